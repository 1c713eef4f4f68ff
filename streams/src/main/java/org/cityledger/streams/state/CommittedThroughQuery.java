package org.cityledger.streams.state;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.query.Query;

/**
 * IQv2 query: a future completing once a commit of the partition includes input offset
 * {@code offset}, with the totals that commit published. Active copies only.
 */
public record CommittedThroughQuery(long offset) implements Query<CompletableFuture<PartitionTotals>> {
}
