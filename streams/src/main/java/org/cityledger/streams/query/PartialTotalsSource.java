package org.cityledger.streams.query;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.cityledger.streams.state.TotalsQuery;
import org.cityledger.streams.topology.LedgerTopology;
import org.cityledger.streams.totals.Totals;

/**
 * Where the totals come from: the partial totals of every partition, already added up per key.
 * The production source queries Kafka Streams' stores; tests of the service use a map.
 */
@FunctionalInterface
public interface PartialTotalsSource {

    /**
     * @param prefix key prefix of the slices wanted ("" for all)
     * @param asOf   count only events that occurred at or before this instant; null for all
     * @return per key, the sum over all partitions
     * @throws QueryUnavailableException when any partition cannot be read
     */
    Map<String, Totals> totals(String prefix, Instant asOf);

    /** The source over the ledger's totals store in every partition. */
    static PartialTotalsSource of(final AllPartitions partitions) {
        return (prefix, asOf) -> {
            final Map<String, Totals> sum = new HashMap<>();
            final TotalsQuery query = new TotalsQuery(prefix, asOf == null ? null : asOf.toEpochMilli());
            for (final Map<String, Totals> partial : partitions.query(LedgerTopology.TOTALS_STORE, query)) {
                partial.forEach((key, totals) -> sum.merge(key, totals, Totals::plus));
            }
            return sum;
        };
    }
}
