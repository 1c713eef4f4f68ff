package org.cityledger.streams.state;

import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a {@link CommitGatedStore} holds: working state the stream thread changes per record, written
 * to the store's changelogged inner store once per commit, and shown to readers only once that
 * commit's transaction succeeded. Implementations know nothing of Kafka Streams' commit protocol;
 * the gated store calls them in this order, on the task's stream thread unless said otherwise:
 *
 * <ol>
 *   <li>{@link #open} when the active task starts processing (its inner store restored);</li>
 *   <li>record by record, the processor changes the working state through the participant's own methods;</li>
 *   <li>{@link #stage} when Kafka Streams prepares a commit: write the changes into {@code inner}, inside
 *       the transaction, and remember what readers will see once it commits;</li>
 *   <li>then exactly one of {@link #publish} (the transaction committed) or {@link #discard} (it aborted:
 *       Kafka Streams will close the task and open it again, after which {@link #open} comes again);</li>
 *   <li>{@link #query} on any thread, any time: answer from what was published, never from working state.</li>
 * </ol>
 */
public interface CommitParticipant {

    /** Loads the working state from the committed contents of {@code inner}; forgets anything older. */
    void open(KeyValueStore<String, byte[]> inner);

    /** Writes the changes since the last stage into {@code inner}: all records up to {@code throughOffset} are in them. */
    void stage(KeyValueStore<String, byte[]> inner, long throughOffset);

    /** The staged changes committed: make them visible to readers. */
    void publish();

    /**
     * The one hook for what did not commit: the transaction that held the staged (or not yet staged)
     * changes aborted, so the working state is ahead of what the changelog holds and must be
     * dropped. Readers keep seeing what was last published.
     */
    void discard();

    /**
     * Answers an interactive query from any thread. {@code active} is false on a standby replica
     * (or before the active task opened): then no working state exists and {@code inner}, restored
     * from the changelog, is all there is.
     */
    <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config,
                             KeyValueStore<String, byte[]> inner, boolean active);
}
