package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.PeriodHistory;
import org.cityledger.streams.totals.SliceTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsCodec;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The partial totals of one input partition: every slice (summary, district, sector, cell) of the
 * events in that partition ({@link SliceTotals}), and the same per 30-day period of
 * {@code occurredAt} ({@link PeriodHistory}) for as-of questions. Queries add the partials of all
 * partitions, so events never need a repartition topic to be summed per district or sector.
 *
 * <p>Why a store of its own: an event touches four slices and their four periods, and a plain
 * key-value store would deserialize, add and serialize each per event. Here the stream thread
 * updates mutable totals in memory, writes only the changed slices to the changelog once per commit
 * ({@link CommitGatedStore}), and readers get an immutable {@link PartitionTotals} swapped in when
 * the commit succeeded.
 *
 * <p>Changelog format: every value is the number of the commit that wrote it (8 bytes) and the
 * totals ({@link TotalsCodec}); each commit's writes end with {@link #COMMIT_MARKER} holding that
 * number, the last input offset the commit includes and the partition's dead-letter count then. A standby's copy is consistent when no value
 * is newer than the marker (restoration may stop midway through a commit's writes).
 */
public final class TotalsStore implements CommitParticipant {

    /** Written last by every commit. Sorts before every slice key. */
    static final String COMMIT_MARKER = "\u0000commit";
    /** How long as-of readers keep commits publishing the history after their last question. */
    static final Duration HISTORY_KEEP_WARM = Duration.ofMinutes(1);

    private final LongSupplier clock;
    private final SliceTotals slices = new SliceTotals();
    private final PeriodHistory history = new PeriodHistory();
    private final AtomicReference<PartitionTotals> published = new AtomicReference<>(PartitionTotals.EMPTY);
    private final AtomicReference<CompletableFuture<HistorySnapshot>> historyWaiter = new AtomicReference<>();
    private final Queue<OffsetWaiter> offsetWaiters = new ConcurrentLinkedQueue<>();
    private volatile HistorySnapshot publishedHistory;
    private volatile long historyWantedUntil;
    /** The last staged (or opened) totals: the base of the next commit. Stream thread. */
    private PartitionTotals base = PartitionTotals.EMPTY;
    private PartitionTotals staged;
    /** Whether records changed the totals since the last published commit. Stream thread. */
    private boolean changedSinceCommit;
    /** Records of the partition refused so far, committed or not. Stream thread. */
    private long deadLetters;

    TotalsStore(final LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * In memory: a partition's totals are a few hundred slices, however many events it holds, so
     * restoring them from the compacted changelog is quick.
     */
    public static StoreBuilder<CommitGatedStore<TotalsStore>> builder(final String name, final Map<String, String> changelogConfig,
                                                                    final CommitGate gate) {
        return CommitGatedStore.builder(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(changelogConfig),
                () -> new TotalsStore(System::currentTimeMillis), gate);
    }

    /** Adds ({@code sign} = 1) or takes back ({@code sign} = -1) an event in its slices and its period. */
    public void apply(final Contribution contribution, final int sign, final long occurredAtMillis) {
        final MutableTotals.Change change = MutableTotals.change(contribution, sign);
        slices.apply(change, contribution.district(), contribution.sector());
        history.apply(change, contribution.district(), contribution.sector(), TotalsKey.period(occurredAtMillis));
        changedSinceCommit = true;
    }

    /** Counts a refused record: the count travels with the totals, so a reader gets both as of one commit. */
    public void deadLettered() {
        deadLetters++;
        changedSinceCommit = true;
    }

    /**
     * Rebuilds the per-period history from the partition's timeline, whose counted entries are exactly
     * the committed events (the processor calls this after opening the store).
     */
    public void rebuildHistory(final Iterable<SliceEvent> counted) {
        history.clear();
        for (final SliceEvent entry : counted) {
            if (!entry.isRemoved()) {
                final Contribution c = entry.contribution();
                history.apply(MutableTotals.change(c, 1), c.district(), c.sector(), TotalsKey.period(entry.occurredAt()));
            }
        }
        publishHistory(new HistorySnapshot(published.get().committedOffset(), Map.of()));
    }

    @Override
    public void open(final KeyValueStore<String, byte[]> inner) {
        slices.clear();
        history.clear();
        // an active task's inner store holds only committed writes: Kafka Streams restored it from the changelog
        final Read restored = read(inner);
        restored.totals().slices().forEach(slices::restore);
        base = restored.totals();
        deadLetters = Math.max(0, base.deadLetters());
        staged = null;
        changedSinceCommit = false;
        published.set(base);
        publishedHistory = null;
    }

    @Override
    public void stage(final KeyValueStore<String, byte[]> inner, final long throughOffset) {
        final long sequence = base.sequence() + 1;
        final NavigableMap<String, Totals> changes = new TreeMap<>();
        slices.drainChanges((key, totals) -> {
            changes.put(key, totals);
            inner.put(key, stamped(sequence, TotalsCodec.toBytes(totals)));
        });
        inner.put(COMMIT_MARKER, ByteBuffer.allocate(3 * Long.BYTES).putLong(sequence).putLong(throughOffset).putLong(deadLetters)
                .array());
        staged = base.next(sequence, throughOffset, deadLetters, changes);
        base = staged;
    }

    @Override
    public void publish() {
        published.set(staged);
        if (!offsetWaiters.isEmpty()) {
            completeOffsetWaiters(staged);
        }
        staged = null;
        changedSinceCommit = false;
        if (historyWanted()) {
            publishHistory(publishedHistory);
        }
    }

    @Override
    public void discard() {
        slices.clear();
        history.clear();
        staged = null;
        base = PartitionTotals.EMPTY;
        deadLetters = 0;
        changedSinceCommit = false;
    }

    /**
     * Publishes the history now if a reader waits for it and nothing has changed since the last
     * commit (stream thread; the processor's punctuation calls it, so an idle ledger answers too).
     */
    public void publishHistoryIfWanted() {
        if (historyWaiter.get() != null && !changedSinceCommit && staged == null) {
            publishHistory(publishedHistory);
        }
    }

    /**
     * Completes once a commit includes the input offset {@code offset} (at once if one did): a reader
     * waiting for the ledger's verdict on a record it published waits on this, not in a loop.
     */
    public CompletableFuture<PartitionTotals> committedThrough(final long offset) {
        final PartitionTotals now = published.get();
        if (now.committedOffset() >= offset) {
            return CompletableFuture.completedFuture(now);
        }
        final OffsetWaiter waiter = new OffsetWaiter(offset, new CompletableFuture<>());
        offsetWaiters.add(waiter);
        // a commit may have been published between the check and the registration
        final PartitionTotals published = this.published.get();
        if (published.committedOffset() >= offset) {
            waiter.future().complete(published);
        }
        return waiter.future();
    }

    private void completeOffsetWaiters(final PartitionTotals committed) {
        final Iterator<OffsetWaiter> waiters = offsetWaiters.iterator();
        while (waiters.hasNext()) {
            final OffsetWaiter waiter = waiters.next();
            if (waiter.future().isDone()) {
                // completed, or given up on (a reader's timeout cancels it)
                waiters.remove();
            } else if (committed.committedOffset() >= waiter.offset()) {
                waiter.future().complete(committed);
                waiters.remove();
            }
        }
    }

    private record OffsetWaiter(long offset, CompletableFuture<PartitionTotals> future) {
    }

    /** The committed totals, for readers on any thread. */
    public PartitionTotals committed() {
        return published.get();
    }

    /**
     * The committed history, now if it is as fresh as the committed totals, else once the next
     * commit (or idle punctuation) publishes it. Asking keeps commits publishing it for a minute.
     */
    public CompletableFuture<HistorySnapshot> history() {
        historyWantedUntil = clock.getAsLong() + HISTORY_KEEP_WARM.toMillis();
        final HistorySnapshot fresh = freshHistory();
        if (fresh != null) {
            return CompletableFuture.completedFuture(fresh);
        }
        final CompletableFuture<HistorySnapshot> waiter = historyWaiter.updateAndGet(f -> f == null ? new CompletableFuture<>() : f);
        // the stream thread may have published between the check and the registration
        final HistorySnapshot published = freshHistory();
        return published != null ? CompletableFuture.completedFuture(published) : waiter;
    }

    private HistorySnapshot freshHistory() {
        final HistorySnapshot h = publishedHistory;
        return h != null && h.committedOffset() == published.get().committedOffset() ? h : null;
    }

    private boolean historyWanted() {
        return clock.getAsLong() < historyWantedUntil || historyWaiter.get() != null;
    }

    /** Publishes the working history (stream thread): the working state equals the last published commit's. */
    private void publishHistory(final HistorySnapshot previous) {
        final long offset = published.get().committedOffset();
        final Map<String, Totals> changes = history.drainChanges();
        final HistorySnapshot next = previous == null ? new HistorySnapshot(offset, changes) : previous.next(offset, changes);
        publishedHistory = next;
        final CompletableFuture<HistorySnapshot> waiter = historyWaiter.getAndSet(null);
        if (waiter != null) {
            waiter.complete(next);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config,
                                    final KeyValueStore<String, byte[]> inner, final boolean active) {
        final QueryResult<R> answer;
        if (query instanceof TotalsQuery totalsQuery) {
            if (active) {
                answer = (QueryResult<R>) QueryResult.forResult(Map.copyOf(committed().withPrefix(totalsQuery.prefix())));
            } else {
                final PartitionTotals standby = standbySnapshot(inner);
                if (standby == null) {
                    return QueryResult.forFailure(FailureReason.NOT_UP_TO_BOUND,
                            "the standby of this partition is midway through restoring a commit; ask again");
                }
                answer = (QueryResult<R>) QueryResult.forResult(Map.copyOf(standby.withPrefix(totalsQuery.prefix())));
            }
        } else if (query instanceof CommittedThroughQuery through) {
            if (!active) {
                return QueryResult.forFailure(FailureReason.NOT_ACTIVE, "verdicts come from the active copy");
            }
            answer = (QueryResult<R>) QueryResult.forResult(committedThrough(through.offset()));
        } else if (query instanceof PartitionTotalsQuery) {
            final PartitionTotals totals = active ? committed() : standbySnapshot(inner);
            if (totals == null) {
                return QueryResult.forFailure(FailureReason.NOT_UP_TO_BOUND,
                        "the standby of this partition is midway through restoring a commit; ask again");
            }
            answer = (QueryResult<R>) QueryResult.forResult(totals);
        } else if (query instanceof HistoryQuery) {
            if (!active) {
                return QueryResult.forFailure(FailureReason.NOT_ACTIVE, "as-of totals need the active copy: a standby keeps no history");
            }
            answer = (QueryResult<R>) QueryResult.forResult(history());
        } else {
            return QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE, getClass().getSimpleName() + " does not answer " + query.getClass().getName());
        }
        answer.setPosition(Position.emptyPosition());
        return answer;
    }

    /** A standby's totals as of its last fully restored commit, or null while restoration is midway through one. */
    static PartitionTotals standbySnapshot(final KeyValueStore<String, byte[]> inner) {
        final Read read = read(inner);
        return read.newestStamp() <= read.totals().sequence() ? read.totals() : null;
    }

    /** The inner store's totals, the commit its marker names, and the newest commit any value was written by. */
    private record Read(PartitionTotals totals, long newestStamp) {
    }

    private static Read read(final KeyValueStore<String, byte[]> inner) {
        final NavigableMap<String, Totals> slices = new TreeMap<>();
        long committed = 0;
        // no marker: nothing was ever committed here
        long offset = -1;
        long deadLetters = -1;
        long newest = 0;
        try (KeyValueIterator<String, byte[]> all = inner.all()) {
            while (all.hasNext()) {
                final KeyValue<String, byte[]> entry = all.next();
                if (COMMIT_MARKER.equals(entry.key)) {
                    committed = stamp(entry.value);
                    offset = markerOffset(entry.value);
                    deadLetters = markerDeadLetters(entry.value);
                } else {
                    newest = Math.max(newest, stamp(entry.value));
                    slices.put(entry.key, payload(entry.value));
                }
            }
        }
        return new Read(new PartitionTotals(committed, offset, deadLetters, slices), newest);
    }

    private static byte[] stamped(final long stamp, final byte[] payload) {
        return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(stamp).put(payload).array();
    }

    private static long stamp(final byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    /** Markers written before the offset was recorded hold the commit number alone. */
    private static long markerOffset(final byte[] marker) {
        return marker.length >= 2 * Long.BYTES ? ByteBuffer.wrap(marker, Long.BYTES, Long.BYTES).getLong() : PartitionTotals.ALL_RESTORED;
    }

    /** Markers written before the dead-letter count was recorded hold none: -1, unknown. */
    private static long markerDeadLetters(final byte[] marker) {
        return marker.length >= 3 * Long.BYTES ? ByteBuffer.wrap(marker, 2 * Long.BYTES, Long.BYTES).getLong() : -1;
    }

    private static Totals payload(final byte[] value) {
        return TotalsCodec.fromBytes(Arrays.copyOfRange(value, Long.BYTES, value.length));
    }
}
