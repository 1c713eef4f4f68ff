package org.cityledger.streams.state;

import org.apache.kafka.streams.query.Query;

/** IQv2 query for a page of a partition's dead letters older than {@code before} (null: newest). */
public record DeadLetterQuery(String before, int limit) implements Query<DeadLetterPage> {
}
