package org.cityledger.streams.query;

import java.util.Map;
import org.cityledger.streams.totals.Totals;

/**
 * Where the totals come from: the partial totals of every partition, already added up per key.
 * The production source queries Kafka Streams' stores; tests of the service use a map.
 */
@FunctionalInterface
public interface PartialTotalsSource {

    /**
     * @param prefix key prefix of the slices wanted ("" for all)
     * @return per key, the sum over all partitions
     * @throws QueryUnavailableException when any partition cannot be read
     */
    Map<String, Totals> totals(String prefix);
}
