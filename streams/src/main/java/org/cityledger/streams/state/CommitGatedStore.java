package org.cityledger.streams.state;

import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store whose readers see exactly what the last committed transaction wrote, never the
 * stream thread's work in progress and never a write that a transaction later aborted; and whose
 * changelog gets one write per changed key per commit instead of one per record. What it holds is a
 * {@link CommitParticipant}; this class only runs the protocol.
 *
 * <h2>The one dependency on Kafka Streams internals</h2>
 * Staging at commit time needs a hook that Kafka Streams calls on the stream thread <em>before</em>
 * the transaction commits. Kafka Streams 4.4 has exactly one: {@link CachedStateStore#flushCache()},
 * an internal interface, called for every caching store when a task prepares its commit
 * ({@code StreamTask.prepareCommit → flush → ProcessorStateManager.flushCache}). No other class of
 * the ledger imports {@code org.apache.kafka.streams.state.internals}. Everything after staging uses
 * public API: the transaction's outcome comes from the producer itself, through
 * {@link CommitGate#clientSupplier()} (a {@code KafkaClientSupplier}), which calls
 * {@link #published()} after {@code commitTransaction} returned and {@link #discarded()} after an abort
 * or a failed commit.
 *
 * <p>The order this relies on is checked, loudly, every time, so that an upgrade that changes it
 * stops the node instead of corrupting totals:
 * <ul>
 *   <li>records processed but not staged when the producer is asked to commit the input offsets:
 *       {@link #requireStaged()} throws before the commit, so the transaction never commits offsets
 *       whose state is not in it;</li>
 *   <li>a record processed while staged changes still wait for the transaction's outcome, or after an
 *       abort without Kafka Streams having re-initialised the store: {@link #beginRecord} throws;</li>
 *   <li>{@link #commit(Map)} (called after the transaction under exactly-once) finding unstaged records.</li>
 * </ul>
 * {@code StoreCommitContractIT} makes a transaction abort on a real broker and pins the order in
 * which Kafka Streams calls these hooks: a Kafka upgrade that changes it fails that test first.
 *
 * <h2>The public alternatives, and their cost</h2>
 * A {@code read_committed} consumer of the changelog would learn of committed writes without any
 * internal hook, but the changelog would then need one write per record (a plain logged store), or
 * the stage would need another pre-commit hook, which does not exist; it also adds a poll's latency
 * before readers see a commit. Kafka's transactional state stores ({@code enable.transactional.statestores},
 * KIP-892, in 4.4) buffer each write until the transaction commits and serve {@code READ_COMMITTED}
 * interactive queries, but their changelog layer still sends every write as it happens: about eight
 * changelog records per event here (four slices, four history periods) instead of a few hundred per
 * commit, which measured at a quarter of the ledger's throughput when the event index was logged that
 * way. When Kafka Streams offers a public pre-commit hook, this class is where it goes.
 *
 * <p>Standby replicas run no processor: the changelog restores {@code inner} directly, and
 * participants answer standby queries from it.
 *
 * @param <P> what the store holds
 */
public final class CommitGatedStore<P extends CommitParticipant> implements StateStore, CachedStateStore<String, byte[]> {

    private enum Phase {
        /** Not initialised, or closed. */
        CLOSED,
        /**
         * Initialised by Kafka Streams but not processing: restoring, a standby, a suspended task, or an
         * active task not opened by its processor yet. Queries read the restored inner store.
         */
        INITIALISED,
        /** Processing; records since the last stage are {@link #processedSinceStage}. */
        ACTIVE,
        /** Changes staged into the open transaction; its outcome is awaited. */
        STAGED,
        /** The transaction aborted; only a new {@link #init} may follow. */
        DISCARDED
    }

    private final KeyValueStore<String, byte[]> inner;
    private final P participant;
    private final CommitGate gate;
    private volatile Phase phase = Phase.CLOSED;
    private Runnable beforeStage = () -> { };
    private TaskId task;
    private long processedThrough = -1;
    private boolean processedSinceStage;

    CommitGatedStore(final KeyValueStore<String, byte[]> inner, final P participant, final CommitGate gate) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.participant = Objects.requireNonNull(participant, "participant");
        this.gate = Objects.requireNonNull(gate, "gate");
    }

    /**
     * A builder over {@code inner} (changelogged; its record cache is refused, since this store
     * batches its own writes per commit and a cache would only copy them).
     */
    public static <P extends CommitParticipant> StoreBuilder<CommitGatedStore<P>> builder(
            final StoreBuilder<KeyValueStore<String, byte[]>> inner, final Supplier<P> participant, final CommitGate gate) {
        return new GatedStoreBuilder<>(inner, participant, gate);
    }

    /** What this store holds, for the processor of its task. */
    public P participant() {
        return participant;
    }

    /**
     * Runs {@code hook} on the stream thread each time, just before this store stages a commit's
     * changes: for writes the processor holds back elsewhere ({@link EventIndex}), which readers must
     * find written once this commit is visible.
     */
    public void beforeStage(final Runnable hook) {
        this.beforeStage = Objects.requireNonNull(hook, "hook");
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        // Kafka Streams revives a task that closed dirty with the same store objects: start afresh
        task = context.taskId();
        processedThrough = -1;
        processedSinceStage = false;
        inner.init(context, root);
        phase = Phase.INITIALISED;
        gate.observe(name(), task, CommitGate.Hook.INIT);
    }

    /**
     * Loads the participant from the restored inner store. The processor calls this from its
     * {@code init}, which Kafka Streams runs after restoring the task's stores, and again when it
     * resumes a suspended task.
     *
     */
    public void open() {
        if (phase != Phase.INITIALISED) {
            throw new IllegalStateException(order("opened in phase " + phase + "; Kafka Streams should have initialised it first"));
        }
        participant.open(inner);
        phase = Phase.ACTIVE;
        gate.observe(name(), task, CommitGate.Hook.OPEN);
    }

    /**
     * Called by the processor when it closes: Kafka Streams suspends the task (a rebalance; it may
     * resume it, or turn it into a standby whose inner store the changelog then updates) or closes it.
     * After a commit the working state is simply let go, and the next {@link #open} loads it afresh;
     * anything not committed is discarded.
     */
    public void suspend() {
        if (phase == Phase.STAGED || processedSinceStage) {
            discarded();
        } else if (phase == Phase.ACTIVE) {
            phase = Phase.INITIALISED;
            gate.observe(name(), task, CommitGate.Hook.SUSPEND);
        }
    }

    /** Called by the processor before each record changes anything. */
    public void beginRecord(final long offset) {
        final Phase now = phase;
        if (now != Phase.ACTIVE) {
            throw new IllegalStateException(order("asked to process offset " + offset + " in phase " + now
                    + (now == Phase.STAGED ? ": its staged changes still await their transaction's outcome"
                    : now == Phase.DISCARDED ? ": its transaction aborted and Kafka Streams did not re-initialise it" : "")));
        }
        processedThrough = offset;
        processedSinceStage = true;
        gate.involve(this);
    }

    @Override
    public void flushCache() {
        gate.observe(name(), task, CommitGate.Hook.FLUSH);
        if (phase == Phase.ACTIVE && processedSinceStage) {
            beforeStage.run();
            participant.stage(inner, processedThrough);
            processedSinceStage = false;
            phase = Phase.STAGED;
        }
    }

    /** The producer is about to commit this thread's input offsets: everything processed must be staged. */
    void requireStaged() {
        if (processedSinceStage) {
            throw new IllegalStateException(order("its records through offset " + processedThrough
                    + " were not staged when the transaction was about to commit their offsets"));
        }
    }

    /** The transaction holding the staged changes committed (stream thread; {@link CommitGate}). */
    void published() {
        if (phase == Phase.STAGED) {
            gate.beforePublish();
            try {
                participant.publish();
            } finally {
                gate.afterPublish();
            }
            phase = Phase.ACTIVE;
            gate.observe(name(), task, CommitGate.Hook.PUBLISH);
        }
    }

    /** The transaction aborted, or the task closes dirty: nothing since the last commit happened. */
    void discarded() {
        if (phase == Phase.STAGED || (phase == Phase.ACTIVE && processedSinceStage)) {
            participant.discard();
            processedSinceStage = false;
            phase = Phase.DISCARDED;
            gate.observe(name(), task, CommitGate.Hook.DISCARD);
        }
    }

    @Override
    public void clearCache() {
        // Kafka Streams' signal of a dirty close; the producer's abort normally said so already
        gate.observe(name(), task, CommitGate.Hook.CLEAR_CACHE);
        discarded();
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<String, byte[]> listener, final boolean sendOldValues) {
        return false;
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        // under exactly-once Kafka Streams calls this after the transaction (on suspend and close): too late to stage
        if (processedSinceStage) {
            throw new IllegalStateException(order("committed with records through offset " + processedThrough + " not staged"));
        }
        inner.commit(changelogOffsets);
    }

    @Override
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        final Phase now = phase;
        return participant.query(query, positionBound, config, inner, now != Phase.CLOSED && now != Phase.INITIALISED);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    @Override
    public void close() {
        gate.observe(name(), task, CommitGate.Hook.CLOSE);
        phase = Phase.CLOSED;
        inner.close();
    }

    @Override
    public boolean persistent() {
        return inner.persistent();
    }

    @Override
    public boolean isOpen() {
        return inner.isOpen();
    }

    private String order(final String what) {
        return "store " + name() + " of task " + task + " was " + what + ". This ledger relies on the commit order of "
                + "Kafka Streams 4.4 (flushCache before the transaction commits, then commit or abort); this Kafka "
                + "version differs, and the node stops rather than risk counting wrong (see CommitGatedStore)";
    }

    /** Builds one gated store per task. */
    private static final class GatedStoreBuilder<P extends CommitParticipant> implements StoreBuilder<CommitGatedStore<P>> {

        private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
        private final Supplier<P> participant;
        private final CommitGate gate;

        GatedStoreBuilder(final StoreBuilder<KeyValueStore<String, byte[]>> inner, final Supplier<P> participant,
                          final CommitGate gate) {
            this.inner = inner.withCachingDisabled();
            this.participant = participant;
            this.gate = gate;
        }

        @Override
        public StoreBuilder<CommitGatedStore<P>> withCachingEnabled() {
            throw new UnsupportedOperationException("store " + name() + " batches its own writes; a record cache would only copy them");
        }

        @Override
        public StoreBuilder<CommitGatedStore<P>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<CommitGatedStore<P>> withLoggingEnabled(final Map<String, String> config) {
            inner.withLoggingEnabled(config);
            return this;
        }

        @Override
        public StoreBuilder<CommitGatedStore<P>> withLoggingDisabled() {
            inner.withLoggingDisabled();
            return this;
        }

        @Override
        public CommitGatedStore<P> build() {
            return new CommitGatedStore<>(inner.build(), participant.get(), gate);
        }

        @Override
        public Map<String, String> logConfig() {
            return inner.logConfig();
        }

        @Override
        public boolean loggingEnabled() {
            return inner.loggingEnabled();
        }

        @Override
        public String name() {
            return inner.name();
        }
    }
}
