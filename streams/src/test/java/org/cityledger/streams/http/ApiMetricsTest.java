package org.cityledger.streams.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.state.CommitGate;
import org.cityledger.streams.topology.LedgerTopology;
import org.cityledger.streams.topology.PartitionHistory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiMetricsTest {

    /** A sample line of the text format 0.0.4: name, optional labels, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*\\})? "
                    + "(-?[0-9.]+([eE][+-]?[0-9]+)?|NaN|[+-]Inf)( -?[0-9]+)?$");
    private static final Pattern COMMENT = Pattern.compile("^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$");

    private final HttpClient client = HttpClient.newHttpClient();
    private final ApiMetrics metrics = new ApiMetrics(() -> null);
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.routes.get("/api/things/{thing}", ctx -> ctx.result("a thing"));
            config.routes.get("/api/broken", ctx -> {
                throw new IllegalStateException("broken on purpose");
            });
            config.routes.exception(IllegalStateException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE));
            ApiMetrics.register(config, metrics);
        }).start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldTimeRequestsByTheirRouteTemplate() throws Exception {
        get("/api/things/kunshan");
        get("/api/things/sip");

        // the request logger runs once the answer is on its way, so the client may see it first
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/metrics").body())
                .containsPattern("(?m)^ledger_http_requests_seconds_count\\{endpoint=\"/api/things/\\{thing}\",status=\"200\"} 2(\\.0)?$"));
        final String body = get("/metrics").body();
        assertThat(body).contains("ledger_http_requests_seconds_bucket{endpoint=\"/api/things/{thing}\",status=\"200\",le=\"");
        assertThat(body).doesNotContain("kunshan", "sip\"");
    }

    @Test
    void shouldTimeFailuresWithTheirFinalStatusAndUnmatchedPathsUnderOneLabel() throws Exception {
        assertThat(get("/api/broken").statusCode()).isEqualTo(503);
        assertThat(get("/no/such/page").statusCode()).isEqualTo(404);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(get("/metrics").body())
                .containsPattern("(?m)^ledger_http_requests_seconds_count\\{endpoint=\"/api/broken\",status=\"503\"} 1(\\.0)?$")
                .containsPattern("(?m)^ledger_http_requests_seconds_count\\{endpoint=\"unmatched\",status=\"404\"} 1(\\.0)?$"));
        assertThat(get("/metrics").body()).doesNotContain("/no/such/page");
    }

    @Test
    void shouldCountQueriesByRoute() throws Exception {
        metrics.recordQuery(ApiMetrics.ROUTE_FORWARDED);
        metrics.recordQuery("forwarded");
        metrics.recordQuery("local");

        final String body = get("/metrics").body();

        assertThat(body).containsPattern("(?m)^ledger_queries_total\\{route=\"forwarded\"} 2\\.0$")
                .containsPattern("(?m)^ledger_queries_total\\{route=\"local\"} 1\\.0$")
                .containsPattern("(?m)^ledger_queries_total\\{route=\"standby\"} 0\\.0$");
    }

    @Test
    void shouldRefuseAnUnknownRoute() {
        assertThatThrownBy(() -> metrics.recordQuery("sideways")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sideways");
    }

    @Test
    void shouldAnswerValidPrometheusTextWithoutKafka() throws Exception {
        get("/api/things/kunshan");
        metrics.recordQuery("standby");

        final HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type)
                .startsWith("text/plain").contains("version=0.0.4"));
        assertValidText(response.body());
        assertThat(response.body()).doesNotContain("kafka_streams_", ApiMetrics.DEAD_LETTERS_METRIC);
    }

    @Test
    void shouldBridgeTheLedgersOwnKafkaMetricsAndCountDeadLetters(@TempDir final Path stateDir) {
        final LedgerConfig config = LedgerConfig.defaults("unused:9092", stateDir);
        // the driver commits after each record; the gate is told so, as the ledger's producer would tell it
        final CommitGate gate = new CommitGate();
        try (TopologyTestDriver driver = new TopologyTestDriver(LedgerTopology.build(config, PartitionHistory.NONE, gate),
                config.streamsProperties())) {
            final TestInputTopic<String, byte[]> events =
                    driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
            events.pipeInput("P-1", new byte[] {1, 2, 3});
            gate.committed();
            events.pipeInput("P-2", new byte[] {4, 5, 6});
            gate.committed();

            final String text = ApiMetrics.kafkaText(driver.metrics());

            assertValidText(text);
            assertThat(text).containsPattern("(?m)^ledger_dead_letters_total 2\\.0$")
                    .containsPattern("(?m)^kafka_streams_stream_ledger_dead_letter_total\\{.*ledger_id=\"task-0_0\".*} 2\\.0$")
                    .containsPattern("(?m)^kafka_streams_stream_task_process_total\\{.*task_id=\"0_0\".*} ");
        }
    }

    @Test
    void shouldShowConsumerLagPerPartitionAndSkipWhatIsNotANumber() {
        try (Metrics kafka = new Metrics()) {
            final Map<String, String> partition3 = Map.of("client-id", "ledger-StreamThread-1-consumer", "topic", "ledger.events", "partition", "3");
            kafka.addMetric(new MetricName("records-lag", "consumer-fetch-manager-metrics", "", partition3), (Measurable) (c, now) -> 42);
            kafka.addMetric(new MetricName("records-lag-max", "consumer-fetch-manager-metrics", "",
                    Map.of("client-id", "ledger-StreamThread-1-consumer")), (Measurable) (c, now) -> 42);
            kafka.addMetric(new MetricName("records-lag-avg", "consumer-fetch-manager-metrics", "", partition3),
                    (Measurable) (c, now) -> Double.NaN);
            kafka.addMetric(new MetricName("version", "app-info", "", Map.of("client-id", "a \"quoted\\\" id")),
                    (Gauge<String>) (c, now) -> "4.4.0");
            kafka.addMetric(new MetricName("start-time-ms", "app-info", "", Map.of("client-id", "a \"quoted\\\" id")),
                    (Gauge<Long>) (c, now) -> 1_644_456_600_000L);

            final String text = ApiMetrics.kafkaText(kafka.metrics());

            assertValidText(text);
            assertThat(text).contains("ledger_consumer_lag{client_id=\"ledger-StreamThread-1-consumer\",partition=\"3\",topic=\"ledger.events\"} 42.0\n")
                    .contains("kafka_streams_consumer_fetch_manager_records_lag{client_id=\"ledger-StreamThread-1-consumer\",partition=\"3\",topic=\"ledger.events\"} 42.0\n")
                    .contains("kafka_streams_consumer_fetch_manager_records_lag_max{client_id=\"ledger-StreamThread-1-consumer\"} 42.0\n")
                    .contains("kafka_streams_app_info_start_time_ms{client_id=\"a \\\"quoted\\\\\\\" id\"} 1644456600000\n")
                    .contains("ledger_dead_letters_total 0.0\n")
                    .doesNotContain("records_lag_avg", "version", "NaN");
            assertThat(text).doesNotContain("ledger_consumer_lag{client_id=\"ledger-StreamThread-1-consumer\"}");
        }
    }

    private static void assertValidText(final String text) {
        final List<String> typed = new ArrayList<>();
        for (final String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#")) {
                assertThat(line).matches(COMMENT);
                if (line.startsWith("# TYPE ")) {
                    typed.add(line.split(" ")[2]);
                }
            } else {
                assertThat(line).matches(SAMPLE);
            }
        }
        // one TYPE line per family: two sources writing the same family would be refused by Prometheus
        assertThat(typed).doesNotHaveDuplicates();
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
