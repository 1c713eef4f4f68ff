package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.audit.LedgerApi;
import org.cityledger.audit.PartitionLog;
import org.cityledger.audit.Reconciliation;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.topology.DeadLetters;
import org.cityledger.streams.topology.LedgerTopology;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ledger run --secure} against real clients over TLS and SCRAM: each office writes its own
 * inbox and nothing else, the ledger moves and stamps what it may count and refuses the rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class SecuredLedgerIT {

    private static final EventCodec CODEC = new EventCodec();
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Path dir;
    private LedgerRuntime runtime;
    private String changshuToken;

    @BeforeAll
    void start(@TempDir final Path tempDir) throws Exception {
        dir = tempDir;
        final Path offices = dir.resolve("offices.txt");
        changshuToken = OfficeRegistry.add(offices, "changshu", Clock.systemUTC()).token();
        final RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs("--secure", "--broker-port", "0", "--http-port", "0", "--partitions", "2",
                "--offices", offices.toString(),
                "--stream-threads", "1", "--state-dir", dir.resolve("state").toString(),
                "--cluster-secret-file", dir.resolve("cluster-secret").toString());
        runtime = LedgerRuntime.start(command.options);
    }

    @AfterAll
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void shouldCountWhatAnOfficeWritesIntoItsOwnInbox() throws Exception {
        send(office("kunshan"), Topics.inbox("kunshan"), event("ks-sec-1", "kunshan", "KS-SEC-1"));

        await().atMost(WAIT).until(() -> districtEvents("kunshan") >= 1);
    }

    @Test
    void shouldStampEveryMovedRecordWithThePublishingOffice() throws Exception {
        send(office("kunshan"), Topics.inbox("kunshan"), event("ks-sec-2", "kunshan", "KS-SEC-2"));

        final ConsumerRecord<String, byte[]> moved = awaitRecord(Topics.EVENTS, "ks-sec-2", false);
        assertThat(header(moved, LedgerTopology.OFFICE_HEADER)).isEqualTo("kunshan");
        // the audit history of the project names the office that published the event
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/api/projects/KS-SEC-2")).contains("\"publisher\":\"office:kunshan\""));
    }

    @Test
    void shouldDeadLetterAnotherDistrictsEventWithTheReasonAndLeaveTotalsAlone() throws Exception {
        send(office("kunshan"), Topics.inbox("kunshan"), event("wj-sec-1", "wujiang", "WJ-SEC-1"));

        final ConsumerRecord<String, byte[]> dead = awaitRecord(Topics.DEAD_LETTERS, "wj-sec-1", true);
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("district 'wujiang' published through kunshan's inbox");
        assertThat(districtEvents("wujiang")).isZero();
    }

    @Test
    void shouldKeepAnotherDistrictsEventInTheLedgersDeadLettersAndCountIt() throws Exception {
        final long before = deadLetterTotal();
        final long wujiang = districtEvents("wujiang");
        send(office("kunshan"), Topics.inbox("kunshan"), event("wj-sec-3", "wujiang", "WJ-SEC-3"));

        // in the dead-letter store the API pages, with its reason, and in its count
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/api/dead-letters?limit=100"))
                .contains("\"reason\":\"district 'wujiang' published through kunshan's inbox\",\"eventId\":\"wj-sec-3\""));
        assertThat(deadLetterTotal()).isGreaterThan(before);
        // the totals unchanged (other tests of this class count the demo's wujiang events)
        assertThat(districtEvents("wujiang")).isEqualTo(wujiang);
    }

    @Test
    void shouldReconcileEqualWithARecordRefusedThroughAnInbox() throws Exception {
        send(office("kunshan"), Topics.inbox("kunshan"), event("wj-sec-4", "wujiang", "WJ-SEC-4"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/api/dead-letters?limit=100")).contains("\"eventId\":\"wj-sec-4\""));

        final Properties ledger = new Properties();
        ledger.putAll(runtime.security().clientSettings(LedgerRuntime.LEDGER_USER));
        final Reconciliation.Report report;
        try (PartitionLog log = new PartitionLog(runtime.bootstrapServers(), Topics.EVENTS, ledger)) {
            report = new Reconciliation(log, new LedgerApi(URI.create(runtime.apiUrl()), null, runtime.httpClient()),
                    EventRules.defaults()).run((read, total) -> { });
        }

        // the refusal is the ledger's, decided from the events topic, so the audit recomputes it too
        assertThat(report.differences()).isEmpty();
        assertThat(report.deadLetters()).isPositive();
    }

    @Test
    void shouldCountTheWholeDemoPublishedThroughTheInboxesOnceAndKeepTheInvariant() throws Exception {
        final List<LedgerEvent> demo = DemoDataSet.events();
        final long taicang = demo.stream().filter(e -> "taicang".equals(e.district())).count();

        DemoCommand.publishThroughInboxes(runtime, demo);
        await().atMost(WAIT).until(() -> districtEvents("taicang") == taicang);
        // a re-delivery through the inboxes: every event id counts once
        DemoCommand.publishThroughInboxes(runtime, demo);
        final ConsumerRecord<String, byte[]> last = awaitRecord(Topics.EVENTS, demo.get(demo.size() - 1).eventId(), false);

        assertThat(header(last, LedgerTopology.OFFICE_HEADER)).isEqualTo(demo.get(demo.size() - 1).district());
        await().atMost(WAIT).untilAsserted(() -> assertThat(get("/api/totals/check")).contains("\"holds\":true"));
        assertThat(districtEvents("taicang")).isEqualTo(taicang);
    }

    @Test
    void shouldCountAnEventDeliveredThroughTheInboxAndAgainOverHttpsOnce() throws Exception {
        final LedgerEvent event = event("cs-sec-1", "changshu", "CS-SEC-1");
        send(office("changshu"), Topics.inbox("changshu"), event);
        await().atMost(WAIT).until(() -> isCounted("CS-SEC-1", "cs-sec-1"));

        final HttpResponse<String> again = runtime.httpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.apiUrl() + "/api/events?wait=PT10S")).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + changshuToken)
                .POST(HttpRequest.BodyPublishers.ofString(new IngestJson().write(event))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(again.statusCode()).as(again.body()).isBetween(200, 202);
        // the same fact by another channel: judged a re-delivery, not counted a second time
        assertThat(again.body()).contains("\"verdict\":\"duplicate\"");
    }

    @Test
    void shouldServeTheApiOverTlsWithTheGeneratedCertificate() throws Exception {
        assertThat(runtime.apiUrl()).startsWith("https://");
        // on the port the node advertises to its peers, not one Jetty chose
        assertThat(runtime.node().httpPort()).isEqualTo(runtime.node().config().httpPort());

        final HttpResponse<String> response = runtime.httpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.apiUrl() + "/api/totals/summary")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldRefuseAnOfficeWritingTheEventsTopic() {
        try (KafkaProducer<String, byte[]> producer = producer(office("kunshan"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.EVENTS, "KS-SEC-3",
                    CODEC.encode(event("ks-sec-3", "kunshan", "KS-SEC-3")))).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAnOfficeWritingAnotherOfficesInbox() {
        try (KafkaProducer<String, byte[]> producer = producer(office("kunshan"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.inbox("wujiang"), "WJ-SEC-2",
                    CODEC.encode(event("wj-sec-2", "wujiang", "WJ-SEC-2")))).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAnOfficeReadingTheEventsTopic() {
        try (KafkaConsumer<String, byte[]> consumer = consumer(office("kunshan"))) {
            consumer.assign(List.of(new TopicPartition(Topics.EVENTS, 0)));
            consumer.seekToBeginning(consumer.assignment());
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldPublishAnOfficesFileIntoItsInboxWithTheCommand() throws Exception {
        final Path file = Files.writeString(dir.resolve("kunshan.jsonl"), "{\"eventId\":\"ks-cli-1\",\"type\":\"SIGNING\","
                + "\"occurredAt\":\"2022-02-10T09:30:00+08:00\",\"district\":\"kunshan\",\"sector\":\"displays\","
                + "\"project\":{\"id\":\"KS-CLI-1\",\"name\":\"Panel line\",\"company\":\"Kunshan Panel Co.\","
                + "\"category\":\"strategic-emerging\"},\"amount\":{\"value\":\"500.00\",\"currency\":\"CNY\"}}\n",
                StandardCharsets.UTF_8);
        final StringWriter out = new StringWriter();
        final CommandLine publish = new CommandLine(new PublishCommand());
        publish.setOut(new PrintWriter(out));
        publish.setErr(new PrintWriter(new StringWriter()));

        final int exit = publish.execute("--office", "kunshan", "--bootstrap-servers", runtime.bootstrapServers(),
                "--kafka-config", runtime.security().clientConfig("kunshan").toString(),
                "--verdicts-url", runtime.apiUrl(), "--verdicts-wait", "0", file.toString());

        // verdicts are asked by the events topic's offsets, which an inbox record has not: they stay pending
        assertThat(exit).as(out.toString()).isEqualTo(PublishCommand.UNJUDGED);
        assertThat(out.toString()).contains("(ledger.inbox.kunshan), 1 acknowledged");
        await().atMost(WAIT).until(() -> isCounted("KS-CLI-1", "ks-cli-1"));
    }

    /** Whether the ledger's audit lookup of the event answers that it counted. */
    private boolean isCounted(final String project, final String eventId) throws Exception {
        final HttpResponse<String> response = runtime.httpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.apiUrl() + "/api/projects/" + project + "/events/" + eventId)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("counted");
    }

    private Map<String, String> office(final String district) {
        return runtime.security().clientSettings(district);
    }

    private String get(final String path) throws Exception {
        return runtime.httpClient().send(HttpRequest.newBuilder(URI.create(runtime.apiUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** How many records the ledger refused, by its dead-letter store. */
    private long deadLetterTotal() throws Exception {
        final Matcher matcher = Pattern.compile("^\\{\"total\":(\\d+)").matcher(get("/api/dead-letters?limit=1"));
        return matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private long districtEvents(final String district) throws Exception {
        final HttpResponse<String> response = runtime.httpClient().send(HttpRequest.newBuilder(
                URI.create(runtime.apiUrl() + "/api/totals/districts/" + district)).build(), HttpResponse.BodyHandlers.ofString());
        final Matcher matcher = Pattern.compile("\"events\":(\\d+)\\}\\s*$").matcher(response.body());
        return response.statusCode() == 200 && matcher.find() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private void send(final Map<String, String> settings, final String topic, final LedgerEvent event) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer(settings)) {
            producer.send(new ProducerRecord<>(topic, event.project().id(), CODEC.encode(event))).get(30, TimeUnit.SECONDS);
        }
    }

    /** Reads {@code topic} as the ledger until the record of {@code eventId} turns up. */
    private ConsumerRecord<String, byte[]> awaitRecord(final String topic, final String eventId, final boolean byHeader) {
        final List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = consumer(runtime.security().clientSettings(LedgerRuntime.LEDGER_USER))) {
            final List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).until(() -> {
                for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    final String id = byHeader ? header(record, DeadLetters.EVENT_ID) : CODEC.decode(record.value()).eventId();
                    if (eventId.equals(id)) {
                        found.add(record);
                    }
                }
                return !found.isEmpty();
            });
        }
        return found.get(0);
    }

    private static String header(final ConsumerRecord<String, byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private KafkaProducer<String, byte[]> producer(final Map<String, String> settings) {
        final Properties props = new Properties();
        props.putAll(settings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> consumer(final Map<String, String> settings) {
        final Properties props = new Properties();
        props.putAll(settings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, runtime.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static LedgerEvent event(final String eventId, final String district, final String project) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId(eventId).occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district(district).sector("displays")
                .project(new ProjectRef(project, "Panel line", "Panel Co.", "strategic-emerging"))
                .amount(Amount.of("100.00", "CNY")).build();
    }
}
