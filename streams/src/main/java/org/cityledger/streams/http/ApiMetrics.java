package org.cityledger.streams.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.router.Endpoint;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;
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
 *   <li>{@value #DEAD_LETTERS_METRIC} — the Kafka Streams sensor {@code dead-letter-total} summed over
 *       this instance's tasks.</li>
 *   <li>{@value #CONSUMER_LAG_METRIC} — the consumers' {@code records-lag} per assigned partition.</li>
 *   <li>{@value #KAFKA_PREFIX}{@code <group>_<name>} — every numeric metric of {@link KafkaStreams#metrics()}.</li>
 * </ul>
 *
 * Kafka's metrics are read at scrape time rather than registered as meters: tasks, threads and
 * partitions come and go with every rebalance, and a copy registered once would go stale.
 */
public final class ApiMetrics {

    private static final Logger LOG = LoggerFactory.getLogger(ApiMetrics.class);

    public static final String ROUTE_LOCAL = "local";
    public static final String ROUTE_FORWARDED = "forwarded";
    public static final String ROUTE_STANDBY = "standby";

    /** What {@code GET /metrics} answers with: the text format every Prometheus version reads. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final String REQUESTS_METRIC = "ledger_http_requests";
    static final String QUERIES_METRIC = "ledger_queries";
    static final String DEAD_LETTERS_METRIC = "ledger_dead_letters_total";
    static final String CONSUMER_LAG_METRIC = "ledger_consumer_lag";
    static final String KAFKA_PREFIX = "kafka_streams_";
    /** The endpoint label of requests no route matched: their raw paths would be unbounded label values. */
    static final String UNMATCHED = "unmatched";

    /** Where {@code LedgerProcessor}'s sensor lands: {@code addRateTotalSensor("ledger", ...)} names its group so. */
    private static final String DEAD_LETTER_GROUP = "stream-ledger-metrics";
    private static final String DEAD_LETTER_NAME = "dead-letter-total";
    private static final String FETCH_GROUP = "consumer-fetch-manager-metrics";
    private static final String RECORDS_LAG = "records-lag";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<KafkaStreams> streams;
    private final Map<String, Counter> queries;
    private final ConcurrentMap<String, Timer> timers = new ConcurrentHashMap<>();

    /**
     * @param streams the instance's Kafka Streams client, asked at every scrape; may supply null
     *                (not created yet, or a test without Kafka), and then no Kafka metric is shown
     */
    public ApiMetrics(final Supplier<KafkaStreams> streams) {
        this.streams = streams;
        // registered up front so that a dashboard sees 0 rather than no series before the first query
        final Map<String, Counter> byRoute = new TreeMap<>();
        for (final String route : List.of(ROUTE_LOCAL, ROUTE_FORWARDED, ROUTE_STANDBY)) {
            byRoute.put(route, Counter.builder(QUERIES_METRIC)
                    .description("Partition answers by where they came from: this instance, another instance, or a standby replica")
                    .tag("route", route)
                    .register(registry));
        }
        this.queries = Map.copyOf(byRoute);
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

    /** Everything {@code GET /metrics} answers: the registry's meters, then Kafka's metrics. */
    public String scrape() {
        final StringBuilder out = new StringBuilder(registry.scrape());
        final KafkaStreams kafka = streams.get();
        if (kafka != null) {
            final Map<MetricName, ? extends Metric> metrics;
            try {
                metrics = kafka.metrics();
            } catch (final RuntimeException e) {
                // a closing client must not fail the scrape of everything else
                LOG.debug("Kafka Streams metrics unavailable: {}", e.toString());
                return out.toString();
            }
            out.append(kafkaText(metrics));
        }
        return out.toString();
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

    // ---- Kafka metrics, written in the text format -------------------------------------------

    /** One metric family: its type and its sample lines (sorted, so that scrapes diff well), which the format wants together. */
    private record Family(String type, Set<String> samples) {
    }

    /** Kafka's metrics in the text format: every numeric one, the consumer lag per partition and the dead letters. */
    static String kafkaText(final Map<MetricName, ? extends Metric> metrics) {
        final Map<String, Family> families = new TreeMap<>();
        final Set<String> seen = new HashSet<>();
        double deadLetters = 0;
        for (final Map.Entry<MetricName, ? extends Metric> entry : metrics.entrySet()) {
            final MetricName name = entry.getKey();
            final Number value = numericValue(entry.getValue());
            if (value == null) {
                continue;
            }
            final String family = kafkaName(name);
            add(families, seen, family, family.endsWith("_total") ? "counter" : "gauge", labels(name.tags()), value);
            if (DEAD_LETTER_GROUP.equals(name.group()) && DEAD_LETTER_NAME.equals(name.name())) {
                deadLetters += value.doubleValue();
            }
            if (FETCH_GROUP.equals(name.group()) && RECORDS_LAG.equals(name.name()) && name.tags().containsKey("partition")) {
                add(families, seen, CONSUMER_LAG_METRIC, "gauge", labels(name.tags()), value);
            }
        }
        // always present once Kafka Streams is: 0 before any task has refused anything
        add(families, seen, DEAD_LETTERS_METRIC, "counter", "", deadLetters);
        final StringBuilder out = new StringBuilder();
        families.forEach((family, f) -> {
            out.append("# TYPE ").append(family).append(' ').append(f.type()).append('\n');
            f.samples().forEach(sample -> out.append(sample).append('\n'));
        });
        return out.toString();
    }

    private static void add(final Map<String, Family> families, final Set<String> seen, final String family,
                            final String type, final String labels, final Number value) {
        // two Kafka names can sanitize to one series ("a-b" and "a.b"); the format allows it once
        if (!seen.add(family + labels)) {
            return;
        }
        families.computeIfAbsent(family, f -> new Family(type, new TreeSet<>()))
                .samples().add(family + labels + ' ' + format(value));
    }

    /** The metric's value if it is a finite number; Kafka also has string metrics (versions, ids) and NaN for "no sample yet". */
    private static Number numericValue(final Metric metric) {
        final Object value;
        try {
            value = metric.metricValue();
        } catch (final RuntimeException e) {
            return null;
        }
        if (!(value instanceof Number number)) {
            return null;
        }
        if (value instanceof Double || value instanceof Float) {
            return Double.isFinite(number.doubleValue()) ? number : null;
        }
        return number;
    }

    private static String format(final Number value) {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return value.toString();
        }
        return Double.toString(value.doubleValue());
    }

    /** {@code stream-thread-metrics}/{@code process-rate} → {@code kafka_streams_stream_thread_process_rate}. */
    static String kafkaName(final MetricName name) {
        final String group = name.group().endsWith("-metrics")
                ? name.group().substring(0, name.group().length() - "-metrics".length())
                : name.group();
        return KAFKA_PREFIX + sanitize(group) + '_' + sanitize(name.name());
    }

    private static String labels(final Map<String, String> tags) {
        if (tags.isEmpty()) {
            return "";
        }
        final Map<String, String> sorted = new TreeMap<>();
        tags.forEach((key, value) -> sorted.put(labelName(key), value == null ? "" : value));
        final StringBuilder out = new StringBuilder("{");
        sorted.forEach((key, value) -> {
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(key).append("=\"").append(escape(value)).append('"');
        });
        return out.append('}').toString();
    }

    private static String labelName(final String tag) {
        final String name = sanitize(tag);
        // names starting with a digit are invalid; "__" is reserved for Prometheus itself
        return name.isEmpty() || Character.isDigit(name.charAt(0)) || name.startsWith("__") ? "tag_" + name : name;
    }

    private static String sanitize(final String raw) {
        final StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            final char c = raw.charAt(i);
            out.append((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ? c : '_');
        }
        return out.toString();
    }

    /** Label values escape backslash, double quote and line feed; nothing else. */
    private static String escape(final String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
