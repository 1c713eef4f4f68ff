package org.cityledger.streams.state;

import org.apache.kafka.streams.query.Query;

/** IQv2 query for a partition's committed totals, every slice, with the offset and dead-letter count they include. */
public record PartitionTotalsQuery() implements Query<PartitionTotals> {
}
