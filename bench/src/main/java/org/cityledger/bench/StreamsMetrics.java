package org.cityledger.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Where a Streams application's time goes, from its own stream-thread metrics (averages and
 * maxima over the metrics' sample window, about the last minute): for reading a throughput or
 * latency figure, never for computing one.
 */
final class StreamsMetrics {

    private static final List<String> NAMES = List.of("process-rate", "process-latency-avg", "commit-rate",
            "commit-latency-avg", "commit-latency-max", "poll-latency-avg", "punctuate-latency-avg", "process-ratio",
            "commit-ratio", "poll-ratio", "punctuate-ratio");

    private StreamsMetrics() {
    }

    /** Per stream thread (by its {@code thread-id}), the metrics named above. */
    static Map<String, Object> of(final KafkaStreams streams) {
        final Map<String, Object> json = new TreeMap<>();
        for (final Map.Entry<MetricName, ? extends Metric> entry : streams.metrics().entrySet()) {
            final MetricName name = entry.getKey();
            if ("stream-thread-metrics".equals(name.group()) && NAMES.contains(name.name())) {
                final Object value = entry.getValue().metricValue();
                @SuppressWarnings("unchecked")
                final Map<String, Object> thread = (Map<String, Object>) json.computeIfAbsent(
                        name.tags().getOrDefault("thread-id", "thread"), id -> new LinkedHashMap<String, Object>());
                thread.put(name.name(), value instanceof Double d ? Fmt.round(d) : value);
            }
        }
        return json;
    }
}
