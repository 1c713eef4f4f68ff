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
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.Topology;
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
    private static final String FETCH = "consumer-fetch-manager-metrics";
    private static final String CONSUMER = "ledger-StreamThread-1-consumer";

    @TempDir
    Path stateDir;

    private final HttpClient client = HttpClient.newHttpClient();
    private final ApiMetrics metrics = new ApiMetrics(() -> null);
    private final List<AutoCloseable> closeAfter = new ArrayList<>();
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
    void stop() throws Exception {
        app.stop();
        // the newest first: a binder before the client it reads
        for (int i = closeAfter.size() - 1; i >= 0; i--) {
            closeAfter.get(i).close();
        }
    }

    // ---- the ledger's own meters ----------------------------------------------------------------

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
        assertThat(response.body()).doesNotContain("kafka_", ApiMetrics.DEAD_LETTERS_METRIC, ApiMetrics.CONSUMER_LAG_METRIC);
    }

    // ---- Kafka Streams' metrics, through the binder ----------------------------------------------

    @Test
    void shouldExportTheLedgersOwnSensorUnderTheBindersName() {
        try (TopologyTestDriver driver = ledgerDriverWithTwoDeadLetters()) {
            final String text = withKafka(driver::metrics).scrape();

            assertValidText(text);
            assertThat(text).containsPattern("(?m)^kafka_stream_ledger_dead_letter_total\\{.*ledger_id=\"task-0_0\".*} 2\\.0$")
                    // the driver's task opened on an empty topic: nothing to re-read (the README names this one)
                    .containsPattern("(?m)^kafka_stream_ledger_index_replayed_total\\{.*ledger_id=\"task-0_0\".*} 0\\.0$")
                    .containsPattern("(?m)^kafka_stream_task_process_total\\{.*task_id=\"0_0\".*} ");
        }
    }

    @Test
    void shouldCountDeadLettersFromTheLedgersOwnSensor() {
        try (TopologyTestDriver driver = ledgerDriverWithTwoDeadLetters()) {
            assertThat(withKafka(driver::metrics).scrape()).containsPattern("(?m)^ledger_dead_letters_total 2\\.0$");
        }
    }

    @Test
    void shouldSumDeadLettersOverTheInstancesTasks() {
        final Metrics kafka = kafkaMetrics();
        deadLetterSensor(kafka, "0_0").record(2);
        deadLetterSensor(kafka, "0_1").record(1);

        assertThat(withKafka(kafka::metrics).scrape()).containsPattern("(?m)^ledger_dead_letters_total 3\\.0$");
    }

    @Test
    void shouldShowZeroDeadLettersBeforeAnyTaskRefusedAnything() {
        assertThat(withKafka(kafkaMetrics()::metrics).scrape()).containsPattern("(?m)^ledger_dead_letters_total 0\\.0$");
    }

    @Test
    void shouldReadDeadLettersAtScrapeWithoutWaitingForTheBindersRefresh() {
        final Metrics kafka = kafkaMetrics();
        final Sensor task = deadLetterSensor(kafka, "0_0");
        final ApiMetrics scraped = withKafka(kafka::metrics);

        task.record(1);
        deadLetterSensor(kafka, "0_1").record(4);

        assertThat(scraped.scrape()).containsPattern("(?m)^ledger_dead_letters_total 5\\.0$");
    }

    @Test
    void shouldShowConsumerLagPerPartitionOnly() {
        final Metrics kafka = kafkaMetrics();
        addLag(kafka, "ledger.events", "3", 42);
        kafka.addMetric(new MetricName("records-lag", FETCH, "", Map.of("client-id", CONSUMER)), (Measurable) (c, now) -> 99);

        final String text = withKafka(kafka::metrics).scrape();

        assertValidText(text);
        assertThat(text).containsPattern("(?m)^ledger_consumer_lag\\{client_id=\"" + CONSUMER + "\",partition=\"3\",topic=\"ledger.events\"} 42\\.0$")
                .doesNotContainPattern("(?m)^ledger_consumer_lag\\{client_id=\"" + CONSUMER + "\"}");
    }

    @Test
    void shouldNotShowAPartitionsLagTwiceUnderKafkasDeprecatedTopicName() {
        final Metrics kafka = kafkaMetrics();
        addLag(kafka, "ledger.events", "3", 42);
        addLag(kafka, "ledger_events", "3", 42);

        assertThat(withKafka(kafka::metrics).scrape()).contains("topic=\"ledger.events\"")
                .doesNotContainPattern("(?m)^ledger_consumer_lag\\{.*topic=\"ledger_events\"");
    }

    @Test
    void shouldDropAPartitionsLagAtTheScrapeAfterKafkaDid() {
        final Metrics kafka = kafkaMetrics();
        addLag(kafka, "ledger.events", "3", 42);
        addLag(kafka, "ledger.events", "4", 7);
        final ApiMetrics scraped = withKafka(kafka::metrics);
        assertThat(scraped.scrape()).containsPattern("(?m)^ledger_consumer_lag\\{.*partition=\"3\".*} 42\\.0$");

        kafka.removeMetric(lagName("ledger.events", "3"));

        assertThat(scraped.scrape()).doesNotContainPattern("(?m)^ledger_consumer_lag\\{.*partition=\"3\"")
                .containsPattern("(?m)^ledger_consumer_lag\\{.*partition=\"4\".*} 7\\.0$");
    }

    @Test
    void shouldExportEveryNumericKafkaMetricWithItsTagsAndTheKafkaVersion() {
        final Metrics kafka = kafkaMetrics();
        kafka.addMetric(new MetricName("records-lag-max", FETCH, "", Map.of("client-id", CONSUMER)), (Measurable) (c, now) -> 42);
        addLag(kafka, "ledger.events", "3", 42);

        final String text = withKafka(kafka::metrics).scrape();

        assertValidText(text);
        assertThat(text).containsPattern("(?m)^kafka_consumer_fetch_manager_records_lag_max\\{client_id=\"" + CONSUMER
                        + "\",kafka_version=\"[^\"]+\"} 42\\.0$")
                .containsPattern("(?m)^kafka_consumer_fetch_manager_records_lag\\{client_id=\"" + CONSUMER
                        + "\",kafka_version=\"[^\"]+\",partition=\"3\",topic=\"ledger.events\"} 42\\.0$");
    }

    @Test
    void shouldEscapeKafkaTagValuesInLabels() {
        final Metrics kafka = kafkaMetrics();
        kafka.addMetric(new MetricName("records-lag-max", FETCH, "", Map.of("client-id", "a \"quoted\\\" id")),
                (Measurable) (c, now) -> 42);

        final String text = withKafka(kafka::metrics).scrape();

        assertValidText(text);
        assertThat(text).contains("client_id=\"a \\\"quoted\\\\\\\" id\"");
    }

    @Test
    void shouldNotExportAStringMetricAsASeries() {
        final Metrics kafka = kafkaMetrics();
        kafka.addMetric(new MetricName("commit-id", "stream-metrics", "", Map.of("client-id", "ledger")),
                (Gauge<String>) (c, now) -> "abc123");

        final String text = withKafka(kafka::metrics).scrape();

        assertValidText(text);
        assertThat(text).doesNotContain("commit_id", "abc123");
    }

    @Test
    void shouldAddAMetricKafkaAddedAtTheBindersNextRefresh() {
        final Metrics kafka = kafkaMetrics();
        final ManualRefresh refresh = new ManualRefresh();
        final ApiMetrics scraped = withKafka(kafka::metrics, refresh);
        taskProcessSensor(kafka, "0_3").record(5);
        assertThat(scraped.scrape()).doesNotContain("task_id=\"0_3\"");

        refresh.run();

        assertThat(scraped.scrape()).containsPattern("(?m)^kafka_stream_task_process_total\\{.*task_id=\"0_3\".*} 5\\.0$");
    }

    @Test
    void shouldRemoveAMetricKafkaRemovedAtTheBindersNextRefresh() {
        final Metrics kafka = kafkaMetrics();
        taskProcessSensor(kafka, "0_3").record(5);
        taskProcessSensor(kafka, "0_4").record(6);
        final ManualRefresh refresh = new ManualRefresh();
        final ApiMetrics scraped = withKafka(kafka::metrics, refresh);
        assertThat(scraped.scrape()).contains("task_id=\"0_3\"");

        // what Kafka Streams does with a task's sensors when a rebalance moves the task away
        kafka.removeSensor("task-0_3-process");
        refresh.run();

        assertThat(scraped.scrape()).doesNotContain("task_id=\"0_3\"")
                .containsPattern("(?m)^kafka_stream_task_process_total\\{.*task_id=\"0_4\".*} 6\\.0$");
    }

    @Test
    void shouldBindKafkaOnceItsClientIsThere() {
        final AtomicReference<KafkaStreams> later = new AtomicReference<>();
        final ApiMetrics scraped = closing(new ApiMetrics(later::get, ManualRefresh::new));
        assertThat(scraped.scrape()).doesNotContain(ApiMetrics.DEAD_LETTERS_METRIC);

        later.set(streamsShowing(kafkaMetrics()::metrics));

        assertThat(scraped.scrape()).containsPattern("(?m)^ledger_dead_letters_total 0\\.0$");
    }

    @Test
    void shouldScrapeAKafkaStreamsClientThatIsNotStarted() {
        final KafkaStreams created = closing(new KafkaStreams(minimalTopology(), streamsProperties()));

        final String text = closing(new ApiMetrics(() -> created, ManualRefresh::new)).scrape();

        assertValidText(text);
        assertThat(text).containsPattern("(?m)^kafka_stream_alive_stream_threads\\{.*} 1\\.0$")
                .containsPattern("(?m)^ledger_dead_letters_total 0\\.0$");
    }

    @Test
    void shouldScrapeAKafkaStreamsClientThatHasClosed() {
        final KafkaStreams closed = new KafkaStreams(minimalTopology(), streamsProperties());
        final ApiMetrics scraped = closing(new ApiMetrics(() -> closed, ManualRefresh::new));

        closed.close(Duration.ofSeconds(10));

        assertValidText(scraped.scrape());
    }

    @Test
    void shouldScrapeWhenKafkaRefusesItsMetrics() {
        final AtomicReference<Supplier<Map<MetricName, ? extends Metric>>> shown = new AtomicReference<>(kafkaMetrics()::metrics);
        final ApiMetrics scraped = withKafka(() -> shown.get().get());

        shown.set(() -> {
            throw new IllegalStateException("closing");
        });

        final String text = scraped.scrape();
        assertValidText(text);
        assertThat(text).containsPattern("(?m)^ledger_dead_letters_total NaN$");
    }

    @Test
    void shouldStopTheBindersRefreshWhenClosed() {
        final ManualRefresh refresh = new ManualRefresh();
        final ApiMetrics scraped = new ApiMetrics(() -> streamsShowing(kafkaMetrics()::metrics), () -> refresh);

        scraped.close();

        assertThat(refresh.scheduled()).isNotEmpty();
        assertThat(refresh.isShutdown()).isTrue();
    }

    @Test
    void shouldKeepAnsweringWithoutKafkasMetersOnceClosed() {
        final Metrics kafka = kafkaMetrics();
        taskProcessSensor(kafka, "0_3").record(5);
        addLag(kafka, "ledger.events", "3", 42);
        final ApiMetrics scraped = withKafka(kafka::metrics);
        scraped.recordQuery(ApiMetrics.ROUTE_LOCAL);

        scraped.close();

        final String text = scraped.scrape();
        assertValidText(text);
        assertThat(text).contains("ledger_queries_total{route=\"local\"} 1.0")
                .doesNotContain("kafka_", ApiMetrics.DEAD_LETTERS_METRIC, ApiMetrics.CONSUMER_LAG_METRIC);
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** Runs the binder's periodic refresh only when a test says so, so that no test waits for it. */
    private static final class ManualRefresh extends ScheduledThreadPoolExecutor {

        private final List<Runnable> refreshes = new CopyOnWriteArrayList<>();

        ManualRefresh() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(final Runnable command, final long initialDelay, final long period,
                                                      final TimeUnit unit) {
            refreshes.add(command);
            // a future that never fires: the test runs the refresh itself
            return schedule(() -> { }, 365, TimeUnit.DAYS);
        }

        List<Runnable> scheduled() {
            return refreshes;
        }

        void run() {
            // a binder that stopped scheduling this way would make every refresh test pass vacuously
            assertThat(refreshes).isNotEmpty();
            refreshes.forEach(Runnable::run);
        }
    }

    private ApiMetrics withKafka(final Supplier<Map<MetricName, ? extends Metric>> shown) {
        return withKafka(shown, new ManualRefresh());
    }

    private ApiMetrics withKafka(final Supplier<Map<MetricName, ? extends Metric>> shown, final ManualRefresh refresh) {
        final KafkaStreams kafka = streamsShowing(shown);
        return closing(new ApiMetrics(() -> kafka, () -> refresh));
    }

    /** A real, never started Kafka Streams client whose metrics are the test's. */
    private KafkaStreams streamsShowing(final Supplier<Map<MetricName, ? extends Metric>> shown) {
        return closing(new KafkaStreams(minimalTopology(), streamsProperties()) {
            @Override
            public synchronized Map<MetricName, ? extends Metric> metrics() {
                return shown.get();
            }
        });
    }

    private static Topology minimalTopology() {
        final StreamsBuilder builder = new StreamsBuilder();
        builder.stream("api-metrics-test-input");
        return builder.build();
    }

    private Properties streamsProperties() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "api-metrics-test");
        // nothing listens there: the clients' one try each at connecting fails, and the backoff keeps it one
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:9");
        props.put(StreamsConfig.RECONNECT_BACKOFF_MS_CONFIG, 60_000);
        props.put(StreamsConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 60_000);
        // one directory per client, so that no two of them share a state directory's lock
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("streams-" + closeAfter.size()).toString());
        return props;
    }

    private Metrics kafkaMetrics() {
        return closing(new Metrics());
    }

    private TopologyTestDriver ledgerDriverWithTwoDeadLetters() {
        final LedgerConfig config = LedgerConfig.defaults("unused:9092", stateDir.resolve("driver"));
        // the driver commits after each record; the gate is told so, as the ledger's producer would tell it
        final CommitGate gate = new CommitGate();
        final TopologyTestDriver driver = new TopologyTestDriver(LedgerTopology.build(config, PartitionHistory.NONE, gate),
                config.streamsProperties());
        final TestInputTopic<String, byte[]> events =
                driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        events.pipeInput("P-1", new byte[] {1, 2, 3});
        gate.committed();
        events.pipeInput("P-2", new byte[] {4, 5, 6});
        gate.committed();
        return driver;
    }

    /** The sensor as {@code LedgerProcessor} registers it through Kafka Streams: group, name, tags. */
    private static Sensor deadLetterSensor(final Metrics kafka, final String taskId) {
        final Sensor sensor = kafka.sensor("task-" + taskId + "-dead-letter");
        sensor.add(new MetricName("dead-letter-total", "stream-ledger-metrics", "",
                Map.of("thread-id", "ledger-StreamThread-1", "ledger-id", "task-" + taskId)), new CumulativeSum());
        return sensor;
    }

    private static Sensor taskProcessSensor(final Metrics kafka, final String taskId) {
        final Sensor sensor = kafka.sensor("task-" + taskId + "-process");
        sensor.add(new MetricName("process-total", "stream-task-metrics", "",
                Map.of("thread-id", "ledger-StreamThread-1", "task-id", taskId)), new CumulativeSum());
        return sensor;
    }

    private static MetricName lagName(final String topic, final String partition) {
        return new MetricName("records-lag", FETCH, "", Map.of("client-id", CONSUMER, "topic", topic, "partition", partition));
    }

    private static void addLag(final Metrics kafka, final String topic, final String partition, final long lag) {
        kafka.addMetric(lagName(topic, partition), (Measurable) (c, now) -> lag);
    }

    private <T extends AutoCloseable> T closing(final T closeable) {
        closeAfter.add(closeable);
        return closeable;
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
