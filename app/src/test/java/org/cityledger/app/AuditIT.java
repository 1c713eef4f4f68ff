package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.Reader;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.cityledger.audit.LedgerApi;
import org.cityledger.audit.PartitionLog;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.ProgressListener;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.TopicSetup;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ledger audit}: the log recomputed apart from the ledger agrees with it figure by figure, also
 * while events arrive, and says exactly which figure differs when a copy of the log was altered; an
 * export adds up to the totals and publishes again, into an empty ledger, to the same totals.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditIT {

    private static final Instant START = Instant.parse("2022-01-01T00:00:00Z");
    private static final LedgerEvent FIRST_DEMO = DemoDataSet.events().get(0);

    private Path dir;
    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private final EventCodec codec = new EventCodec();
    private int expectedEvents;

    @BeforeAll
    void start(@TempDir final Path tempDir) throws Exception {
        dir = tempDir;
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir.resolve("state")).withHttpPort(0)).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        try (LedgerPublisher publisher = new LedgerPublisher(broker.bootstrapServers())) {
            publisher.publishAll(DemoDataSet.events(), ProgressListener.none());
        }
        final List<LedgerEvent> history = history(new Random(7));
        publishRaw(history);
        publishForeign(25);
        expectedEvents = DemoDataSet.events().size();
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions()
                .until(() -> node.totals().summary(Ask.NOW).value().totals().events() >= expectedEvents);
    }

    @AfterAll
    void stop() {
        node.close();
        broker.close();
    }

    @Test
    @Order(1)
    void shouldFindEveryFigureEqualOnTheDemoAndARandomHistory() {
        final Run run = ledger("audit", "reconcile", "--bootstrap-servers", broker.bootstrapServers(), "--api", api());

        assertThat(run.code()).as(run.out()).isZero();
        assertThat(run.out()).contains("Every figure is equal").contains("dead letters recomputed");
    }

    @Test
    @Order(2)
    void shouldStayExactWhileEventsKeepArriving() throws Exception {
        final AtomicBoolean done = new AtomicBoolean();
        final AtomicInteger sent = new AtomicInteger();
        final Thread publisher = new Thread(() -> {
            final Random random = new Random(11);
            while (!done.get()) {
                publishRaw(history(random).subList(0, 50));
                sent.addAndGet(50);
            }
        }, "audit-it-publisher");
        publisher.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() >= 200);
            final Run run = ledger("audit", "reconcile", "--bootstrap-servers", broker.bootstrapServers(), "--api", api());

            assertThat(run.code()).as(run.out()).isZero();
        } finally {
            done.set(true);
            publisher.join();
        }
    }

    @Test
    @Order(3)
    void shouldNameExactlyTheFiguresAnAlteredCopyOfTheLogChanges() throws Exception {
        final String copy = "ledger.events.altered";
        final LedgerEvent altered = copyAltering(copy);

        final Run run = ledger("audit", "reconcile", "--bootstrap-servers", broker.bootstrapServers(), "--api", api(),
                "--topic", copy);

        assertThat(run.code()).as(run.out()).isEqualTo(1);
        final String kind = altered.kind().name().toLowerCase(Locale.ROOT);
        final String figure = kind + ".amounts." + altered.amount().currency();
        assertThat(run.out()).contains("4 figures differ")
                .contains("summary, " + figure)
                .contains("district " + altered.district() + ", " + figure)
                .contains("sector " + altered.sector() + ", " + figure)
                .contains("cell " + altered.district() + "/" + altered.sector() + ", " + figure);
    }

    @Test
    @Order(4)
    void shouldExportRowsThatAddUpToTheTotalsAndPublishAgainToTheSame() throws Exception {
        awaitCaughtUp();
        final Path csv = dir.resolve("export.csv");
        final Run export = ledger("audit", "export", "--bootstrap-servers", broker.bootstrapServers(), "--out", csv.toString());
        assertThat(export.code()).as(export.out()).isZero();
        final byte[] bytes = Files.readAllBytes(csv);
        assertThat(new String(bytes, 0, 3, StandardCharsets.UTF_8)).isEqualTo("\uFEFF");
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("昆山");

        final Map<String, BigDecimal> rows = new TreeMap<>();
        try (Reader reader = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            reader.skip(1);
            for (final CSVRecord row : CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).get().parse(reader)) {
                assertThat(row.get("audit.verdict")).isEqualTo("counted");
                rows.merge(row.get("type") + " " + row.get("amount.currency"), new BigDecimal(row.get("amount.value")), BigDecimal::add);
            }
        }
        final Totals summary = node.totals().summary(Ask.NOW).value().totals();
        final Map<String, BigDecimal> expected = new TreeMap<>();
        summary.signing().amounts().forEach((c, v) -> expected.put("SIGNING " + c, v));
        summary.groundbreaking().amounts().forEach((c, v) -> expected.put("GROUNDBREAKING " + c, v));
        summary.funding().amounts().forEach((c, v) -> expected.put("FUNDING " + c, v));
        assertThat(normalized(rows)).isEqualTo(normalized(expected));

        // into an empty ledger of its own
        try (EmbeddedKafkaBroker other = EmbeddedKafkaBroker.builder().build().start()) {
            TopicSetup.ensureTopics(other.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
            try (LedgerNode fresh = new LedgerNode(LedgerConfig.defaults(other.bootstrapServers(), dir.resolve("fresh"))
                    .withHttpPort(0)).start()) {
                assertThat(fresh.awaitRunning(Duration.ofSeconds(90))).isTrue();
                final Run publish = ledger("publish", "--bootstrap-servers", other.bootstrapServers(), "--verdicts-url",
                        "http://localhost:" + fresh.httpPort(), csv.toString());
                assertThat(publish.code()).as(publish.out()).isZero();
                for (final Reference.Code district : Reference.DISTRICTS) {
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> assertThat(
                            fresh.totals().district(district.code(), Ask.NOW).value().totals())
                            .as(district.code()).isEqualTo(node.totals().district(district.code(), Ask.NOW).value().totals()));
                }
            }
        }
    }

    @Test
    @Order(5)
    void shouldExportJsonLinesWithTheAuditFieldsAndFlaggedCorrections() throws Exception {
        final Path jsonl = dir.resolve("export.jsonl");

        final Run export = ledger("audit", "export", "--bootstrap-servers", broker.bootstrapServers(), "--out", jsonl.toString(),
                "--include-corrected", "--include-refused", "--district", "320583");

        assertThat(export.code()).as(export.out()).isZero();
        final List<String> lines = Files.readAllLines(jsonl, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line).contains("\"audit\":{\"verdict\":"));
        assertThat(lines).anySatisfy(line -> assertThat(line).contains("\"verdict\":\"corrected\"", "\"correctedBy\":"));
        assertThat(lines).allSatisfy(line -> assertThat(line).contains("\"district\":\"kunshan\""));
    }

    /** Until the ledger's committed offsets reach the topic's end: its totals then hold every record. */
    private void awaitCaughtUp() throws Exception {
        final Map<Integer, Long> ends;
        try (PartitionLog log = new PartitionLog(broker.bootstrapServers(), Topics.EVENTS, new Properties())) {
            ends = log.ends(Topics.DEFAULT_PARTITIONS);
        }
        final LedgerApi ledger = new LedgerApi(URI.create(api()), null);
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> ledger.partitions().stream()
                .allMatch(p -> p.through() != null && p.through() >= ends.get(p.partition()) - 1));
    }

    private static Map<String, String> normalized(final Map<String, BigDecimal> figures) {
        final Map<String, String> out = new TreeMap<>();
        figures.forEach((k, v) -> out.put(k, v.stripTrailingZeros().toPlainString()));
        return out;
    }

    /** Copies the events topic record by record, offsets and timestamps kept, one counted event's amount raised by 1. */
    private LedgerEvent copyAltering(final String copy) throws Exception {
        final Properties admin = new Properties();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin a = Admin.create(admin)) {
            a.createTopics(List.of(new NewTopic(copy, Topics.DEFAULT_PARTITIONS, (short) 1))).all().get();
        }
        final Properties consumerProps = new Properties();
        consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        final Properties producerProps = new Properties();
        producerProps.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
        LedgerEvent altered = null;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int p = 0; p < Topics.DEFAULT_PARTITIONS; p++) {
                final TopicPartition tp = new TopicPartition(Topics.EVENTS, p);
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                final long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        byte[] value = record.value();
                        // the demo's first event: a fact sure to count, published once and never corrected
                        if (altered == null && record.key() != null
                                && new String(record.key(), StandardCharsets.UTF_8).equals(FIRST_DEMO.project().id())) {
                            final LedgerEvent event = codec.decode(value);
                            if (event.eventId().equals(FIRST_DEMO.eventId())) {
                                altered = event.toBuilder().amount(new Amount(event.amount().value().add(BigDecimal.ONE),
                                        event.amount().currency())).build();
                                value = codec.encode(altered);
                            }
                        }
                        producer.send(new ProducerRecord<>(copy, p, record.timestamp(), record.key(), value)).get();
                    }
                }
            }
        }
        assertThat(altered).as("the demo's first event, to alter").isNotNull();
        return altered;
    }

    private List<LedgerEvent> history(final Random random) {
        final List<LedgerEvent> events = new ArrayList<>();
        final List<LedgerEvent> counted = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            final int roll = random.nextInt(100);
            final String id = "au-" + random.nextInt(1_000_000_000);
            if (roll < 8 && !counted.isEmpty()) {
                events.add(counted.get(random.nextInt(counted.size())));
                continue;
            }
            if (roll < 12 && !counted.isEmpty()) {
                final LedgerEvent reused = counted.get(random.nextInt(counted.size()));
                events.add(reused.toBuilder().amount(new Amount(reused.amount().value().add(BigDecimal.TEN), reused.amount().currency()))
                        .build());
                continue;
            }
            if (roll < 20 && !counted.isEmpty()) {
                final LedgerEvent target = counted.remove(random.nextInt(counted.size()));
                final LedgerEvent fix = target.toBuilder().eventId(id + "-fix").sector(Reference.SECTORS.get(random.nextInt(8)).code())
                        .corrects(target.eventId()).build();
                events.add(fix);
                counted.add(fix);
                continue;
            }
            final EventKind kind = EventKind.values()[random.nextInt(3)];
            final BigDecimal value = BigDecimal.valueOf(1 + random.nextInt(100_000), 2);
            final LedgerEvent.Builder event = LedgerEvent.builder(kind).eventId(id)
                    .occurredAt(START.plus(Duration.ofHours(random.nextInt(24 * 300))))
                    .district(Reference.DISTRICTS.get(random.nextInt(10)).code())
                    .sector(roll < 22 ? "shipbuilding" : Reference.SECTORS.get(random.nextInt(8)).code())
                    .project(new ProjectRef("AU-" + random.nextInt(300), "Project", "Company", "advanced-manufacturing"))
                    .amount(new Amount(value, random.nextInt(8) == 0 ? "USD" : "CNY"));
            if (kind == EventKind.GROUNDBREAKING) {
                event.plannedWithinYear(new Amount(value, random.nextInt(8) == 0 ? "USD" : "CNY"));
            } else if (kind == EventKind.FUNDING) {
                event.program("open-competition");
            }
            final LedgerEvent built = event.build();
            events.add(built);
            if (roll >= 22) {
                counted.add(built);
            }
        }
        return events;
    }

    /** Straight onto the topic, as anything with access could write: invalid events too, which the ledger refuses. */
    private void publishRaw(final List<LedgerEvent> events) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (final LedgerEvent e : events) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, e.project().id().getBytes(StandardCharsets.UTF_8), codec.encode(e)));
            }
            producer.flush();
        }
    }

    private void publishForeign(final int count) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(Topics.EVENTS, ("FX-" + i).getBytes(StandardCharsets.UTF_8),
                        ("{\"not\":\"avro " + i + "\"}").getBytes(StandardCharsets.UTF_8)));
            }
            producer.flush();
        }
    }

    private record Run(int code, String out) {
    }

    private static Run ledger(final String... args) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final var cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        final int code = cli.execute(args);
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private String api() {
        return "http://localhost:" + node.httpPort();
    }
}
