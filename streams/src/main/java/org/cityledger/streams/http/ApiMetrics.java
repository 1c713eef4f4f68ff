package org.cityledger.streams.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
import org.cityledger.streams.topology.LedgerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's Prometheus metrics, served at {@code GET /metrics} in the text exposition format
 * 0.0.4, for this instance only.
 *
 * <ul>
 *   <li>{@value #REQUESTS_METRIC}{@code _seconds} — histogram of API latency, labels {@code endpoint} (the
 *       route template, e.g. {@code /api/totals/districts/{district}}, so that codes do not multiply
 *       series; {@value #UNMATCHED} for paths no route matched) and {@code status}.</li>
 *   <li>{@value #QUERIES_METRIC}{@code _total} — counter, label {@code route}: {@value #ROUTE_LOCAL},
 *       {@value #ROUTE_FORWARDED} or {@value #ROUTE_STANDBY}.</li>
 *   <li>{@value #DEAD_LETTERS_METRIC}{@code _total} — the Kafka Streams sensor {@code dead-letter-total}
 *       summed over this instance's tasks; 0 until a task refuses something.</li>
 *   <li>{@value #CONSUMER_LAG_METRIC} — the consumers' {@code records-lag} per assigned partition, labels
 *       {@code client_id}, {@code topic}, {@code partition}.</li>
 *   <li>{@code kafka_<group>_<name>} — every numeric metric of {@link KafkaStreams#metrics()}, as Micrometer's
 *       {@link KafkaStreamsMetrics} binder names it: the group with {@code -metrics} removed and every
 *       {@code -} turned into {@code _} ({@code stream-thread-metrics}/{@code process-rate} is
 *       {@code kafka_stream_thread_process_rate}), the Kafka tags as labels ({@code thread-id} becomes
 *       {@code thread_id}) plus {@code kafka_version}. Cumulative sums and counts are counters (named
 *       {@code _total}), everything else a gauge, {@code NaN} while a windowed statistic has no sample.</li>
 * </ul>
 *
 * The binder re-reads Kafka's metric names every {@value #KAFKA_REFRESH_SECONDS} s and registers or
 * removes meters, so a task, thread or partition that comes or goes with a rebalance shows up, or
 * disappears, within that time. The ledger's own two Kafka-derived meters read Kafka at every
 * scrape instead: an operator watching a rebalance or a dead letter should not wait for a refresh.
 *
 * <p>Where the binder differs from a literal copy of Kafka's metrics: where Kafka has a metric both
 * per client and per topic or partition (e.g. {@code records-lag-max}, {@code records-consumed-rate})
 * it keeps only the finer series — the client-wide value is a {@code max}/{@code sum} over it in
 * PromQL; {@code app-info} (versions, ids) is the {@code kafka_version} label and one
 * {@code kafka_app_info_start_time_ms}; {@code kafka-metrics-count} is left out; and Prometheus'
 * naming drops a {@code _created} before {@code _total}, so {@code task-created-total} is
 * {@code kafka_stream_thread_task_total}.
 *
 * <p>The binder rather than an exporter of our own although a scrape costs more: at six tasks on two
 * threads (about 2,700 Kafka metrics) one took some 17 ms of CPU against 9 ms for the hand-written
 * text, nearly all of it in the Prometheus registry; at a scrape every 15 s that is about 0.1% of a
 * core, less than keeping an exporter of Kafka's metrics correct is worth.
 */
public final class ApiMetrics implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMetrics.class);

    public static final String ROUTE_LOCAL = "local";
    public static final String ROUTE_FORWARDED = "forwarded";
    public static final String ROUTE_STANDBY = "standby";

    /** What {@code GET /metrics} answers with: the text format every Prometheus version reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String REQUESTS_METRIC = "ledger_http_requests";
    static final String QUERIES_METRIC = "ledger_queries";
    static final String INGEST_EVENTS_METRIC = "ledger_ingest_events";
    static final String INGEST_REQUESTS_METRIC = "ledger_ingest_requests";
    static final String DEAD_LETTERS_METRIC = "ledger_dead_letters";
    static final String CONSUMER_LAG_METRIC = "ledger_consumer_lag";
    /** The endpoint label of requests no route matched: their raw paths would be unbounded label values. */
    static final String UNMATCHED = "unmatched";
    /**
     * How often the binder looks for Kafka metrics that came or went. An unchanged set costs one
     * {@link KafkaStreams#metrics()} call and a set comparison (about a millisecond at six tasks), so this
     * is about as often as Prometheus usually scrapes rather than the binder's default minute.
     */
    static final long KAFKA_REFRESH_SECONDS = 15;

    private static final String DEAD_LETTER_NAME = LedgerTopology.DEAD_LETTER_METRIC + "-total";
    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<KafkaStreams> streams;
    private final Supplier<ScheduledExecutorService> refresherFactory;
    private final Map<String, Counter> queries;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Counter> ingestCounters = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Timer> ingestTimers = new ConcurrentHashMap<>();
    private final MultiGauge consumerLag = MultiGauge.builder(CONSUMER_LAG_METRIC)
            .description("Offsets each assigned partition's consumer lags behind the log end")
            .register(registry);

    // guarded by this: bound once, when Kafka Streams is first there, and unbound by close()
    private KafkaStreamsMetrics binder;
    private ScheduledExecutorService refresher;
    private FunctionCounter deadLetters;
    private boolean closed;

    /**
     * @param streams the instance's Kafka Streams client; may supply null (not created yet, or a test
     *                without Kafka), and then no Kafka metric is shown until it supplies one
     */
    public ApiMetrics(final Supplier<KafkaStreams> streams) {
        this(streams, ApiMetrics::newRefresher);
    }

    /**
     * @param refresherFactory where the binder's periodic refresh runs, made when Kafka is first bound; a
     *                         test's own executor lets it run the refresh without waiting for it
     */
    ApiMetrics(final Supplier<KafkaStreams> streams, final Supplier<ScheduledExecutorService> refresherFactory) {
        this.streams = streams;
        this.refresherFactory = refresherFactory;
        // registered up front so that a dashboard sees 0 rather than no series before the first query
        final Map<String, Counter> byRoute = new TreeMap<>();
        for (final String route : List.of(ROUTE_LOCAL, ROUTE_FORWARDED, ROUTE_STANDBY)) {
            byRoute.put(route, Counter.builder(QUERIES_METRIC)
                    .description("Partition answers by where they came from: this instance, another instance, or a standby replica")
                    .tag("route", route)
                    .register(registry));
        }
        this.queries = Map.copyOf(byRoute);
        // binding now rather than at the first scrape: Prometheus' first look should not pay for it
        bindKafka();
    }

    /** The registry behind {@code /metrics}, for meters of other components. */
    public MeterRegistry registry() {
        return registry;
    }

    /**
     * Records one answered request.
     *
     * @param endpoint the route template ({@code /api/totals/districts/{district}}), never the raw path
     * @param status   the HTTP status answered
     * @param nanos    how long it took
     */
    public void recordRequest(final String endpoint, final int status, final long nanos) {
        final String key = status + " " + endpoint;
        timers.computeIfAbsent(key, k -> Timer.builder(REQUESTS_METRIC)
                        .description("HTTP API latency by route template and status")
                        .tag("endpoint", endpoint)
                        .tag("status", Integer.toString(status))
                        .publishPercentileHistogram()
                        // bounds the buckets to the latencies this API can have: a cache hit to a slow fan-out
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(30))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts events an office published over HTTP, by what became of them: {@code refused} (the
     * request was refused whole), or the verdict ({@code counted}, {@code corrected}, {@code duplicate},
     * {@code rejected}, {@code pending}, ...). Labels: {@code office} (a district code, so bounded) and {@code outcome}.
     */
    public void recordIngest(final String office, final String outcome, final int events) {
        ingestCounters.computeIfAbsent(office + " " + outcome, k -> Counter.builder(INGEST_EVENTS_METRIC)
                        .description("Events published by district offices over HTTP, by office and by what became of them")
                        .tag("office", office)
                        .tag("outcome", outcome)
                        .register(registry))
                .increment(events);
    }

    /** Times one accepted publication from its arrival to its answer, by office and by whether it waited for verdicts. */
    public void recordIngestLatency(final String office, final boolean waited, final long nanos) {
        ingestTimers.computeIfAbsent(office + " " + waited, k -> Timer.builder(INGEST_REQUESTS_METRIC)
                        .description("Accepted publications by district offices, from arrival to answer")
                        .tag("office", office)
                        .tag("waited", Boolean.toString(waited))
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(1))
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(registry))
                .record(nanos, TimeUnit.NANOSECONDS);
    }

    /**
     * Counts one query answer by its route.
     *
     * @param route {@value #ROUTE_LOCAL}, {@value #ROUTE_FORWARDED} or {@value #ROUTE_STANDBY}
     * @throws IllegalArgumentException for any other route: free-form labels would multiply series
     */
    public void recordQuery(final String route) {
        final Counter counter = queries.get(route);
        if (counter == null) {
            throw new IllegalArgumentException("route must be one of " + queries.keySet() + ", got '" + route + "'");
        }
        counter.increment();
    }

    /** Everything {@code GET /metrics} answers. */
    public String scrape() {
        bindKafka();
        refreshConsumerLag();
        return registry.scrape();
    }

    /** Stops the binder's refresh and removes the Kafka meters; the scrape goes on answering the others. */
    @Override
    public synchronized void close() {
        closed = true;
        unbindKafka();
        consumerLag.register(List.of(), true);
    }

    /**
     * Adds {@code GET /metrics}, and times every request by the route it matched. Call it from the
     * {@code Javalin.create} configuration of the server whose requests should be timed.
     */
    public static void register(final JavalinConfig config, final ApiMetrics metrics) {
        config.routes.get("/metrics", ctx -> ctx.contentType(CONTENT_TYPE).result(metrics.scrape()));
        // the request logger runs once per request, after the handler and any exception or error
        // handler, so it sees the final status; Javalin measured the time from the request's start
        config.requestLogger.http((ctx, ms) ->
                metrics.recordRequest(endpointOf(ctx), ctx.statusCode(), Math.round(ms.doubleValue() * 1_000_000d)));
    }

    private static String endpointOf(final Context ctx) {
        final Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        return matched == null ? UNMATCHED : matched.path;
    }

    // ---- Kafka Streams ---------------------------------------------------------------------------

    private synchronized void bindKafka() {
        if (binder != null || closed) {
            return;
        }
        final KafkaStreams kafka = streams.get();
        if (kafka == null) {
            return;
        }
        refresher = refresherFactory.get();
        binder = new KafkaStreamsMetrics(kafka, Tags.empty(), refresher, Duration.ofSeconds(KAFKA_REFRESH_SECONDS));
        try {
            binder.bindTo(registry);
        } catch (final RuntimeException e) {
            // a closing client; the next scrape tries again rather than failing this one
            LOG.debug("Kafka Streams metrics unavailable: {}", e.toString());
            unbindKafka();
            return;
        }
        deadLetters = FunctionCounter.builder(DEAD_LETTERS_METRIC, kafka, ApiMetrics::deadLetterTotal)
                .description("Records dead-lettered by the tasks on this instance since they started here")
                .register(registry);
    }

    private void unbindKafka() {
        if (binder != null) {
            binder.close();
            binder = null;
        }
        if (refresher != null) {
            // ours, not the binder's: it only shuts down a scheduler it made itself
            refresher.shutdownNow();
            refresher = null;
        }
        if (deadLetters != null) {
            registry.remove(deadLetters);
            deadLetters = null;
        }
    }

    private static ScheduledExecutorService newRefresher() {
        final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            final Thread thread = new Thread(runnable, "ledger-kafka-meters");
            // never what keeps a stopping JVM alive
            thread.setDaemon(true);
            return thread;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }

    /** Read at every scrape, not at the binder's refresh: a dead letter is news now. */
    private static double deadLetterTotal(final KafkaStreams kafka) {
        final Map<MetricName, ? extends Metric> metrics = kafkaMetrics(kafka);
        if (metrics == null) {
            // unknown is not zero
            return Double.NaN;
        }
        double total = 0;
        for (final Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            final MetricName name = entry.getKey();
            if (LedgerTopology.METRICS_GROUP.equals(name.group()) && DEAD_LETTER_NAME.equals(name.name())) {
                final double value = valueOf(entry.getValue());
                total += Double.isFinite(value) ? value : 0;
            }
        }
        return total;
    }

    /**
     * Re-registers the lag rows from Kafka's current metrics. Overwriting every row rather than keeping
     * the ones already there: a partition revoked and assigned again between two scrapes comes back as
     * a new Kafka metric, and a kept row would go on reading the dead one.
     */
    private synchronized void refreshConsumerLag() {
        final KafkaStreams kafka = closed || binder == null ? null : streams.get();
        if (kafka == null) {
            return;
        }
        final Map<MetricName, ? extends Metric> metrics = kafkaMetrics(kafka);
        if (metrics == null) {
            // no rows rather than the last ones: a lag nobody can read now is not the lag of a minute ago
            consumerLag.register(List.of(), true);
            return;
        }
        final List<MetricName> lags = new ArrayList<>();
        final Set<Partition> dotted = new HashSet<>();
        for (final MetricName name : metrics.keySet()) {
            if (FETCH_GROUP.equals(name.group()) && RECORDS_LAG.equals(name.name())
                    && name.tags().containsKey("partition") && name.tags().containsKey("topic")) {
                lags.add(name);
                final String topic = name.tags().get("topic");
                if (topic.indexOf('.') >= 0) {
                    dotted.add(Partition.of(name, topic.replace('.', '_')));
                }
            }
        }
        final List<MultiGauge.Row<?>> rows = new ArrayList<>();
        for (final MetricName name : lags) {
            final String topic = name.tags().get("topic");
            // Kafka 4 also registers each partition under its topic's deprecated name, dots turned into
            // underscores; that twin is the same partition and would double a sum over the lag
            if (topic.indexOf('.') < 0 && dotted.contains(Partition.of(name, topic))) {
                continue;
            }
            final Partition partition = Partition.of(name, topic);
            rows.add(MultiGauge.Row.of(Tags.of("client.id", partition.clientId(), "topic", partition.topic(),
                    "partition", partition.partition()), metrics.get(name), ApiMetrics::valueOf));
        }
        consumerLag.register(rows, true);
    }

    /** One consumer's partition, as the tags of its fetch metrics name it. */
    private record Partition(String clientId, String topic, String partition) {

        static Partition of(final MetricName name, final String topic) {
            return new Partition(name.tags().getOrDefault("client-id", ""), topic, name.tags().get("partition"));
        }
    }

    /** A client that is not started yet has metrics; a closing one may refuse, and then this is null. */
    private static Map<MetricName, ? extends Metric> kafkaMetrics(final KafkaStreams kafka) {
        try {
            return kafka.metrics();
        } catch (final RuntimeException e) {
            LOG.debug("Kafka Streams metrics unavailable: {}", e.toString());
            return null;
        }
    }

    /** Kafka also has string metrics (versions, ids) and metrics that fail once their client closed. */
    private static double valueOf(final Metric metric) {
        try {
            return metric.metricValue() instanceof Number number ? number.doubleValue() : Double.NaN;
        } catch (final RuntimeException e) {
            return Double.NaN;
        }
    }
}
