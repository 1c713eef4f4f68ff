package org.cityledger.streams.state;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The partial totals of one input partition: every slice (summary, district, sector, cell) of the
 * events in that partition. Queries add the partials of all partitions, so events never need a
 * repartition topic to be summed per district or sector.
 *
 * <p>Why a store of its own: an event touches four slices, and a plain key-value store would
 * deserialize, add and serialize four values per event. Here the stream thread updates mutable
 * totals in memory and writes only the changed slices to the changelogged inner store when Kafka
 * Streams commits, inside the same transaction as the input offsets. Queries read an immutable
 * snapshot taken at that moment, so they see committed state only (never a total a transaction
 * may still abort) and never contend with the stream thread.
 *
 * <p>The hook: Kafka Streams 4.4 calls {@link #flushCache()} on every {@link CachedStateStore} when it
 * prepares a commit, before the transaction commits; {@link #commit(Map)} is only called at
 * checkpoints. {@code CachedStateStore} is an internal interface, so a Kafka upgrade must re-check
 * this class (the integration tests fail at once if the hook stops being called).
 */
public final class TotalsStore implements StateStore, CachedStateStore<String, Totals> {

    private final KeyValueStore<String, Totals> inner;
    private final Map<String, MutableTotals> working = new HashMap<>();
    private final Set<String> dirty = new HashSet<>();
    private volatile NavigableMap<String, Totals> committed = new TreeMap<>();
    private boolean loaded;

    TotalsStore(final KeyValueStore<String, Totals> inner) {
        this.inner = inner;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        inner.init(context, root);
    }

    /**
     * Loads the restored state into memory. Called from the processor's {@code init}, which Kafka
     * Streams runs after the task's stores are restored from their changelogs.
     */
    public void open() {
        if (loaded) {
            return;
        }
        final NavigableMap<String, Totals> restored = new TreeMap<>();
        try (KeyValueIterator<String, Totals> all = inner.all()) {
            while (all.hasNext()) {
                final KeyValue<String, Totals> entry = all.next();
                restored.put(entry.key, entry.value);
                working.put(entry.key, MutableTotals.of(entry.value));
            }
        }
        committed = restored;
        loaded = true;
    }

    /** Adds ({@code sign} = 1) or takes back ({@code sign} = -1) an event in all four of its slices. */
    public void apply(final Contribution contribution, final int sign) {
        if (!loaded) {
            open();
        }
        update(TotalsKey.SUMMARY, contribution, sign);
        update(TotalsKey.district(contribution.district()), contribution, sign);
        update(TotalsKey.sector(contribution.sector()), contribution, sign);
        update(TotalsKey.cell(contribution.district(), contribution.sector()), contribution, sign);
    }

    private void update(final String key, final Contribution contribution, final int sign) {
        working.computeIfAbsent(key, k -> new MutableTotals()).apply(contribution, sign);
        dirty.add(key);
    }

    @Override
    public void flushCache() {
        writeDirty();
    }

    @Override
    public void clearCache() {
        // the task is being closed without committing: forget what the transaction did not commit
        working.clear();
        dirty.clear();
        loaded = false;
    }

    @Override
    public boolean setFlushListener(final CacheFlushListener<String, Totals> listener, final boolean sendOldValues) {
        return false;
    }

    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
        writeDirty();
        inner.commit(changelogOffsets);
    }

    private void writeDirty() {
        if (!dirty.isEmpty()) {
            final NavigableMap<String, Totals> next = new TreeMap<>(committed);
            for (final String key : dirty) {
                final Totals snapshot = working.get(key).snapshot();
                inner.put(key, snapshot);
                next.put(key, snapshot);
            }
            dirty.clear();
            committed = next;
        }
    }

    /** The committed partial totals whose keys start with {@code prefix} ("" for all). */
    public Map<String, Totals> committed(final String prefix) {
        final NavigableMap<String, Totals> snapshot = committed;
        if (prefix.isEmpty()) {
            return snapshot;
        }
        return snapshot.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        if (query instanceof TotalsQuery totalsQuery) {
            final QueryResult<R> result = (QueryResult<R>) QueryResult.forResult(committed(totalsQuery.prefix()));
            result.setPosition(Position.emptyPosition());
            return result;
        }
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    @Override
    public void close() {
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
}
