package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.broker.TestBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.ProgressListener;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.TopicSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The whole ledger on a real embedded broker: the conference data in, the report's figures out over HTTP. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DemoEndToEndIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestBroker broker;
    private LedgerNode node;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startLedgerAndPublishDemo(@TempDir final Path stateDir) throws Exception {
        broker = TestBroker.start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), stateDir).withHttpPort(0)).start();
        try (LedgerPublisher publisher = new LedgerPublisher(broker.bootstrapServers())) {
            publisher.publishAll(DemoDataSet.events(), ProgressListener.none());
        }
        final int expected = DemoDataSet.events().size();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> get("/api/totals/summary").path("events").asInt() == expected);
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldShowTheConferenceSigningsInTheSummary() throws Exception {
        final JsonNode signing = get("/api/totals/summary").path("signing");

        assertThat(signing.path("count").asInt()).isEqualTo(81);
        assertThat(signing.path("amounts").path("CNY").asText()).isEqualTo("72000000000.00");
        assertThat(signing.path("amounts").path("USD").asText()).isEqualTo("1800000000.00");
    }

    @Test
    void shouldShowTheConferenceGroundbreakingsInTheSummary() throws Exception {
        final JsonNode groundbreaking = get("/api/totals/summary").path("groundbreaking");

        assertThat(groundbreaking.path("count").asInt()).isEqualTo(70);
        assertThat(groundbreaking.path("amounts").path("CNY").asText()).isEqualTo("57000000000.00");
        assertThat(groundbreaking.path("plannedWithinYear").path("CNY").asText()).isEqualTo("19100000000.00");
    }

    @Test
    void shouldShowFiscalSupportAndOpenCompetitionInTheSummary() throws Exception {
        final JsonNode funding = get("/api/totals/summary").path("funding");

        assertThat(funding.path("amounts").path("CNY").asText()).isEqualTo("2689000000.00");
        assertThat(funding.path("matching").path("CNY").asText()).isEqualTo("833000000.00");
    }

    @Test
    void shouldAddUpDistrictsToTheSummary() throws Exception {
        assertThat(sumOf(get("/api/totals/districts"))).isEqualTo(flatten(get("/api/totals/summary")));
    }

    @Test
    void shouldAddUpSectorsToTheSummary() throws Exception {
        assertThat(sumOf(get("/api/totals/sectors"))).isEqualTo(flatten(get("/api/totals/summary")));
    }

    @Test
    void shouldAnswerUnknownDistrictWith404NamingTheCode() throws Exception {
        final HttpResponse<String> response = send("/api/totals/districts/atlantis");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("unknown district 'atlantis'");
    }

    @Test
    void shouldServeOneCellOfDistrictAndSector() throws Exception {
        final JsonNode cell = get("/api/totals/districts/kunshan/sectors/displays");

        assertThat(cell.path("district").asText()).isEqualTo("kunshan");
        assertThat(cell.path("sector").asText()).isEqualTo("displays");
        assertThat(cell.path("signing").path("amounts").path("USD").asText()).isEqualTo("1800000000.00");
    }

    @Test
    void shouldHoldTheInvariantOnTheDemoData() throws Exception {
        final JsonNode check = get("/api/totals/check");

        assertThat(check.path("holds").asBoolean()).isTrue();
        assertThat(check.path("figuresChecked").asInt()).isPositive();
    }

    @Test
    void shouldShowOnlyTheFiscalSupportAsOfNewYear2022() throws Exception {
        final JsonNode summary = get("/api/totals/summary?asOf=2022-01-01T00:00:00%2B08:00");

        assertThat(summary.path("signing").path("count").asInt()).isZero();
        assertThat(summary.path("funding").path("amounts").path("CNY").asText()).isEqualTo("2400000000.00");
    }

    @Test
    void shouldShowTheSigningsButNoGroundbreakingAsOfFiftyMinutesIntoTheConference() throws Exception {
        final JsonNode summary = get("/api/totals/summary?asOf=2022-02-10T10:20:00%2B08:00");

        assertThat(summary.path("signing").path("count").asInt()).isEqualTo(81);
        assertThat(summary.path("groundbreaking").path("count").asInt()).isZero();
    }

    @Test
    void shouldListARefusedRecordWithItsReasonInTheDeadLetters() throws Exception {
        final LedgerEvent bad = DemoDataSet.events().get(0).toBuilder().eventId("bad-district").district("atlantis").build();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.EVENTS, bad.project().id(), new EventCodec().encode(bad))).get();
        }

        await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> get("/api/dead-letters").path("total").asInt() >= 1);
        final JsonNode newest = get("/api/dead-letters?limit=1").path("items").get(0);
        assertThat(newest.path("eventId").asText()).isEqualTo("bad-district");
        assertThat(newest.path("reason").asText()).isEqualTo("invalid: district: unknown district 'atlantis'");
        assertThat(newest.path("source").path("topic").asText()).isEqualTo(Topics.EVENTS);
    }

    /** Every figure of a totals object as "kind.field.currency" → value (and "kind.count"). */
    private static Map<String, BigDecimal> flatten(final JsonNode totals) {
        final Map<String, BigDecimal> flat = new HashMap<>();
        for (final String kind : new String[] {"signing", "groundbreaking", "funding"}) {
            final JsonNode node = totals.path(kind);
            flat.merge(kind + ".count", new BigDecimal(node.path("count").asText()), BigDecimal::add);
            for (final Map.Entry<String, JsonNode> field : node.properties()) {
                if (field.getValue().isObject()) {
                    field.getValue().properties().forEach(currency -> flat.merge(
                            kind + "." + field.getKey() + "." + currency.getKey(),
                            new BigDecimal(currency.getValue().asText()), BigDecimal::add));
                }
            }
        }
        flat.replaceAll((k, v) -> v.stripTrailingZeros());
        return flat;
    }

    private static Map<String, BigDecimal> sumOf(final JsonNode slices) {
        final Map<String, BigDecimal> sum = new HashMap<>();
        slices.forEach(slice -> flatten(slice).forEach((k, v) -> sum.merge(k, v, BigDecimal::add)));
        sum.replaceAll((k, v) -> v.stripTrailingZeros());
        return sum;
    }

    private JsonNode get(final String path) throws IOException, InterruptedException {
        final HttpResponse<String> response = send(path);
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(final String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
