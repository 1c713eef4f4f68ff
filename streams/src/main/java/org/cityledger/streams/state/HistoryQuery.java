package org.cityledger.streams.state;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.query.Query;

/**
 * IQv2 query for a partition's committed per-period history. The answer is a future: the history
 * is published only while as-of questions come in, so the first question after a quiet spell
 * waits for the next commit (or, on an idle ledger, the next punctuation) to publish it.
 */
public record HistoryQuery() implements Query<CompletableFuture<HistorySnapshot>> {
}
