package org.cityledger.streams.query;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.cityledger.streams.state.TotalsQuery;
import org.cityledger.streams.topology.LedgerTopology;
import org.cityledger.streams.totals.Totals;

/**
 * Reads the totals store of every partition through Kafka Streams interactive queries (IQv2) and
 * adds the partitions up. Every partition must answer from an active task; otherwise the answer
 * would be a silent undercount, so it fails instead.
 */
public final class StoreTotalsSource implements PartialTotalsSource {

    private final KafkaStreams streams;
    private final IntSupplier partitionCount;

    public StoreTotalsSource(final KafkaStreams streams, final IntSupplier partitionCount) {
        this.streams = streams;
        this.partitionCount = partitionCount;
    }

    @Override
    public Map<String, Totals> totals(final String prefix) {
        final int partitions = partitionCount.getAsInt();
        final Set<Integer> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        final StateQueryResult<Map<String, Totals>> result;
        try {
            result = streams.query(StateQueryRequest.inStore(LedgerTopology.TOTALS_STORE)
                    .withQuery(new TotalsQuery(prefix))
                    .withPartitions(all)
                    .requireActive());
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("the ledger cannot be queried in state " + streams.state(), e);
        }
        final Map<String, Totals> sum = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            final QueryResult<Map<String, Totals>> partial = result.getPartitionResults().get(p);
            if (partial == null || partial.isFailure()) {
                throw new QueryUnavailableException("partition " + p + " is not available"
                        + (partial == null ? "" : ": " + partial.getFailureReason() + " " + partial.getFailureMessage()));
            }
            partial.getResult().forEach((key, totals) -> sum.merge(key, totals, Totals::plus));
        }
        return sum;
    }
}
