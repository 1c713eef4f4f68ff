package org.cityledger.streams.state;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
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
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.cityledger.streams.totals.TotalsCodec;

/**
 * The partial totals of one input partition: every slice (summary, district, sector, cell) of the
 * events in that partition, and the same per 30-day period of {@code occurredAt} for as-of questions. Queries
 * add the partials of all partitions, so events never need a repartition topic to be summed per
 * district or sector.
 *
 * <p>Why a store of its own: an event touches four slices (and their four days), and a plain
 * key-value store would deserialize, add and serialize each per event. Here the stream thread
 * updates mutable totals in memory and writes only the changed slices to the changelogged inner
 * store once per commit; readers see committed snapshots ({@link CommittedViewStore}).
 *
 * <p>As-of T: the period totals before T's 30-day period, plus the events of T's own period up to T
 * read from the {@link EventTimeIndex}, skipping entries the open transaction wrote.
 */
public final class TotalsStore extends CommittedViewStore<Totals> {

    /** How long as-of readers keep commits publishing the history after their last question. */
    private static final Duration HISTORY_KEEP_WARM = Duration.ofMinutes(1);
    /** How long an as-of reader waits for the history before it is told to ask again. */
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(10);

    private final Map<String, MutableTotals> working = new HashMap<>();
    private final List<KeyValue<String, MutableTotals>> dirty = new ArrayList<>();
    /** Per-period totals: not changelogged, rebuilt from the event-time index when the store opens. */
    private final Map<String, MutableTotals> history = new HashMap<>();
    private final List<KeyValue<String, MutableTotals>> historyDirty = new ArrayList<>();
    /** district → sector → the totals an event of that cell updates; spares key lookups per event. */
    private final Map<String, Map<String, Cell>> cells = new HashMap<>();
    private volatile KeyValueStore<Bytes, byte[]> timeIndex;

    /*
     * The history is published to readers only while someone asks as-of questions. Snapshotting
     * every changed period at every commit cost more than a third of the stream thread when events
     * spread over many periods (a replay, a bulk load), and as-of questions are rare audits.
     */
    /** Until when (epoch ms) commits keep publishing the history: set by as-of readers. */
    private volatile long historyWantedUntil;
    /** Whether the history in the view is as of the view's committed offset; written under the write lock. */
    private volatile boolean historyFresh = true;
    /** What the next publish sets {@link #historyFresh} to (stream thread). */
    private boolean historyFreshAtNextPublish = true;
    /** History changed by records not yet flushed to a commit (stream thread). */
    private boolean historyChangedSinceFlush;
    /** The thread that runs this store's task; it may publish the history inline. */
    private volatile Thread owner;

    TotalsStore(final KeyValueStore<String, byte[]> inner) {
        super(inner, TotalsCodec::toBytes, TotalsCodec::fromBytes);
    }

    /**
     * In memory: a partition's totals are a few hundred slices plus their days, however many events
     * it holds, so restoring them from the compacted changelog is quick.
     */
    public static StoreBuilder<TotalsStore> builder(final String name, final Map<String, String> changelogConfig) {
        return new CommittedViewStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(changelogConfig),
                TotalsStore::new);
    }

    /** The event-time index the processor maintains beside this store (for exact as-of within a period). */
    public void attachTimeIndex(final KeyValueStore<Bytes, byte[]> index) {
        this.timeIndex = index;
    }

    @Override
    protected void onRestored(final String key, final Totals value) {
        working.put(key, MutableTotals.of(value));
    }

    /**
     * Rebuilds the per-period history from the event-time index. Keeping history out of the
     * changelog saves writing it at every commit (with events spread over many periods, several
     * records per event); rebuilding costs one scan of the index when a task starts.
     */
    @Override
    protected void onOpened() {
        // the restored slices are new objects: forget cells that point at the old ones
        cells.clear();
        history.clear();
        historyDirty.clear();
        final KeyValueStore<Bytes, byte[]> index = timeIndex;
        if (index == null) {
            return;
        }
        try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
            while (all.hasNext()) {
                final KeyValue<Bytes, byte[]> entry = all.next();
                final EventTimeIndex.Entry event = EventTimeIndex.entry(entry.value);
                if (!event.isRemoved()) {
                    final Contribution contribution = event.contribution();
                    addToHistory(cell(contribution.district(), contribution.sector()),
                            MutableTotals.change(contribution, 1), event.occurredAt(), false);
                }
            }
        }
        final Map<String, Totals> rebuilt = new HashMap<>();
        history.forEach((key, totals) -> rebuilt.put(key, totals.snapshot()));
        historyChangedSinceFlush = false;
        historyFreshAtNextPublish = true;
        putInView(rebuilt, () -> historyFresh = true);
    }

    /** Adds ({@code sign} = 1) or takes back ({@code sign} = -1) an event in its slices and their period. */
    public void apply(final Contribution contribution, final int sign, final long occurredAtMillis) {
        final Cell cell = cell(contribution.district(), contribution.sector());
        final MutableTotals.Change change = MutableTotals.change(contribution, sign);
        final MutableTotals[] slots = cell.slices;
        for (int i = 0; i < slots.length; i++) {
            slots[i].apply(change);
            if (slots[i].markDirty()) {
                dirty.add(KeyValue.pair(cell.sliceKeys[i], slots[i]));
            }
        }
        addToHistory(cell, change, occurredAtMillis, true);
    }

    private Cell cell(final String district, final String sector) {
        final Map<String, Cell> ofDistrict = cells.computeIfAbsent(district, d -> new HashMap<>());
        Cell cell = ofDistrict.get(sector);
        if (cell == null) {
            cell = new Cell(district, sector, slots(working, TotalsKey.slices(district, sector)));
            ofDistrict.put(sector, cell);
        }
        return cell;
    }

    private void addToHistory(final Cell cell, final MutableTotals.Change change, final long occurredAtMillis,
                              final boolean markDirty) {
        final long period = TotalsKey.period(occurredAtMillis);
        final MutableTotals[] slots = cell.history(period, history);
        for (int i = 0; i < slots.length; i++) {
            slots[i].apply(change);
            if (markDirty && slots[i].markDirty()) {
                historyDirty.add(KeyValue.pair(TotalsKey.histories(cell.district, cell.sector, period)[i], slots[i]));
            }
        }
        if (markDirty) {
            historyChangedSinceFlush = true;
        }
    }

    /**
     * The totals one (district, sector) updates: its four slices, and per history period the same
     * four. Periods are dense (a horizon holds about 120), so they sit in an array by period.
     */
    private static final class Cell {
        final String district;
        final String sector;
        final String[] sliceKeys;
        final MutableTotals[] slices;
        private long firstPeriod;
        private MutableTotals[][] periods = new MutableTotals[0][];

        Cell(final String district, final String sector, final MutableTotals[] slices) {
            this.district = district;
            this.sector = sector;
            this.sliceKeys = TotalsKey.slices(district, sector);
            this.slices = slices;
        }

        MutableTotals[] history(final long period, final Map<String, MutableTotals> history) {
            if (periods.length == 0) {
                firstPeriod = period;
                periods = new MutableTotals[1][];
            } else if (period < firstPeriod) {
                final int shift = (int) (firstPeriod - period);
                final MutableTotals[][] grown = new MutableTotals[periods.length + shift][];
                System.arraycopy(periods, 0, grown, shift, periods.length);
                periods = grown;
                firstPeriod = period;
            } else if (period - firstPeriod >= periods.length) {
                periods = Arrays.copyOf(periods, (int) (period - firstPeriod + 1));
            }
            final int index = (int) (period - firstPeriod);
            MutableTotals[] slots = periods[index];
            if (slots == null) {
                slots = slots(history, TotalsKey.histories(district, sector, period));
                periods[index] = slots;
            }
            return slots;
        }
    }

    private static MutableTotals[] slots(final Map<String, MutableTotals> totals, final String[] keys) {
        final MutableTotals[] slots = new MutableTotals[keys.length];
        for (int i = 0; i < keys.length; i++) {
            slots[i] = totals.computeIfAbsent(keys[i], k -> new MutableTotals());
        }
        return slots;
    }

    @Override
    protected void drainChanges(final List<KeyValue<String, Totals>> changes) {
        for (final KeyValue<String, MutableTotals> changed : dirty) {
            changes.add(KeyValue.pair(changed.key, changed.value.snapshot()));
        }
        dirty.clear();
    }

    @Override
    protected void drainViewOnlyChanges(final List<KeyValue<String, Totals>> changes) {
        owner = Thread.currentThread();
        historyChangedSinceFlush = false;
        if (historyWanted()) {
            drainHistory(changes);
        }
        historyFreshAtNextPublish = historyDirty.isEmpty();
    }

    private void drainHistory(final List<KeyValue<String, Totals>> changes) {
        for (final KeyValue<String, MutableTotals> changed : historyDirty) {
            changes.add(KeyValue.pair(changed.key, changed.value.snapshot()));
        }
        historyDirty.clear();
    }

    private boolean historyWanted() {
        return System.currentTimeMillis() < historyWantedUntil;
    }

    @Override
    protected void onPublished() {
        historyFresh = historyFreshAtNextPublish;
    }

    /**
     * Publishes the history now if a reader waits for it and it holds nothing uncommitted (stream
     * thread; the processor calls this on its publish punctuation, so an idle ledger answers too).
     */
    public void publishHistoryIfWanted() {
        owner = Thread.currentThread();
        if (historyFresh || historyChangedSinceFlush || !isLoaded() || !historyWanted()) {
            return;
        }
        // everything in the history was flushed with the commit the view already shows
        publishCommitted();
        final List<KeyValue<String, Totals>> changes = new ArrayList<>();
        drainHistory(changes);
        final Map<String, Totals> entries = new HashMap<>();
        changes.forEach(change -> entries.put(change.key, change.value));
        historyFreshAtNextPublish = true;
        putInView(entries, () -> historyFresh = true);
    }

    /** Makes commits publish the history for a while, and waits until the view holds it. */
    private void awaitFreshHistory(final long deadline) {
        historyWantedUntil = System.currentTimeMillis() + HISTORY_KEEP_WARM.toMillis();
        if (historyFresh) {
            return;
        }
        if (Thread.currentThread() == owner) {
            // the task's own thread (a test driver): nothing runs concurrently, publish inline
            publishHistoryIfWanted();
        }
        while (!historyFresh) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the as-of history of " + name() + " is not published yet; ask again");
            }
            LockSupport.parkNanos(1_000_000L);
        }
    }

    @Override
    public void clearCache() {
        super.clearCache();
        working.clear();
        dirty.clear();
        history.clear();
        historyDirty.clear();
        cells.clear();
        historyFresh = false;
        historyFreshAtNextPublish = false;
        historyChangedSinceFlush = false;
    }

    /** The committed partial totals of the slices whose keys start with {@code prefix}. */
    public Map<String, Totals> committed(final String prefix) {
        return read(committed -> {
            final Map<String, Totals> copy = new HashMap<>();
            committed.view().subMap(prefix, true, prefix + Character.MAX_VALUE, false).forEach((key, totals) -> {
                if (!key.startsWith(TotalsKey.HISTORY_PREFIX)) {
                    copy.put(key, totals);
                }
            });
            return copy;
        });
    }

    /** The committed partial totals of the slices starting with {@code prefix} counting only events that occurred at or before {@code asOfMillis}. */
    public Map<String, Totals> asOf(final String prefix, final long asOfMillis) {
        final long period = TotalsKey.period(asOfMillis);
        final String historyPrefix = TotalsKey.HISTORY_PREFIX + prefix;
        final Map<String, Totals> sums = new HashMap<>();
        final long deadline = System.currentTimeMillis() + HISTORY_WAIT.toMillis();
        Long readOffset = null;
        while (readOffset == null) {
            final boolean active = isLoaded();
            if (active) {
                awaitFreshHistory(deadline);
            }
            readOffset = read(committed -> {
                if (active && !historyFresh) {
                    // a commit published between the wait and the lock without its history: wait again
                    return null;
                }
                sums.clear();
                committed.view().subMap(historyPrefix, true, historyPrefix + Character.MAX_VALUE, false).forEach((key, totals) -> {
                    if (TotalsKey.historyPeriod(key) < period) {
                        sums.merge(TotalsKey.historySlice(key), totals, Totals::plus);
                    }
                });
                return committed.offset();
            });
        }
        final long committedOffset = readOffset;
        final KeyValueStore<Bytes, byte[]> index = timeIndex;
        if (index == null) {
            throw new IllegalStateException("as-of totals need the event-time index, which only an active task keeps open");
        }
        final Map<String, MutableTotals> samePeriod = new HashMap<>();
        try (KeyValueIterator<Bytes, byte[]> events = index.range(EventTimeIndex.periodBound(period),
                EventTimeIndex.periodBound(period + 1))) {
            while (events.hasNext()) {
                final EventTimeIndex.Entry entry = EventTimeIndex.entry(events.next().value);
                if (entry.occurredAt() > asOfMillis || !entry.countsAt(committedOffset)) {
                    continue;
                }
                final Contribution c = entry.contribution();
                for (final String slice : TotalsKey.slices(c.district(), c.sector())) {
                    if (slice.startsWith(prefix)) {
                        samePeriod.computeIfAbsent(slice, k -> new MutableTotals()).apply(c, 1);
                    }
                }
            }
        }
        samePeriod.forEach((slice, totals) -> sums.merge(slice, totals.snapshot(), Totals::plus));
        return sums;
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        if (query instanceof TotalsQuery totalsQuery) {
            final Map<String, Totals> result;
            try {
                result = totalsQuery.asOfMillis() == null
                        ? committed(totalsQuery.prefix())
                        : asOf(totalsQuery.prefix(), totalsQuery.asOfMillis());
            } catch (final IllegalStateException e) {
                return QueryResult.forFailure(FailureReason.NOT_ACTIVE, e.getMessage());
            }
            final QueryResult<R> answer = (QueryResult<R>) QueryResult.forResult(result);
            answer.setPosition(Position.emptyPosition());
            return answer;
        }
        return QueryResult.forUnknownQueryType(query, this);
    }
}
