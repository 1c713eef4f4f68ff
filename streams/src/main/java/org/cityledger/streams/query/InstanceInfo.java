package org.cityledger.streams.query;

import java.util.List;
import java.util.Map;

/**
 * One ledger instance as it describes itself: where it serves, its Kafka Streams state, the
 * partitions of the events topic it runs active and standby, and how far each of its local store
 * copies lags behind its changelog (0 for a caught-up active copy).
 */
public record InstanceInfo(String id, String state, List<Integer> activePartitions, List<Integer> standbyPartitions,
                           Map<String, Map<Integer, Long>> storeLags) {
}
