package org.cityledger.streams.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;

/**
 * Runs an interactive query (IQv2) against one store in every partition of the events topic and
 * returns every partition's answer. Each partition must answer from an active task: an answer
 * missing one partition would be a silent undercount, so it fails instead.
 */
public final class AllPartitions {

    private final KafkaStreams streams;
    private final IntSupplier partitionCount;

    public AllPartitions(final KafkaStreams streams, final IntSupplier partitionCount) {
        this.streams = streams;
        this.partitionCount = partitionCount;
    }

    public <R> List<R> query(final String store, final Query<R> query) {
        final int partitions = partitionCount.getAsInt();
        final Set<Integer> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(p);
        }
        final StateQueryResult<R> result;
        try {
            result = streams.query(StateQueryRequest.inStore(store).withQuery(query).withPartitions(all).requireActive());
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("the ledger cannot be queried in state " + streams.state(), e);
        }
        final List<R> answers = new ArrayList<>(partitions);
        for (int p = 0; p < partitions; p++) {
            final QueryResult<R> partial = result.getPartitionResults().get(p);
            if (partial == null || partial.isFailure()) {
                throw new QueryUnavailableException("partition " + p + " is not available"
                        + (partial == null ? "" : ": " + partial.getFailureReason() + " " + partial.getFailureMessage()));
            }
            answers.add(partial.getResult());
        }
        return answers;
    }
}
