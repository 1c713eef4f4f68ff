package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Function;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A state store whose readers see exactly what the last committed transaction wrote: never the
 * stream thread's work in progress, never a write that a transaction later aborted.
 *
 * <p>How: the stream thread stages changes; when Kafka Streams prepares a commit it calls
 * {@link #flushCache()} (on every {@link CachedStateStore}, before the transaction commits), and
 * the staged changes go to the changelogged inner store, inside the transaction, and to a pending
 * list. The pending list becomes visible to readers only when the stream thread next runs this
 * task ({@link #publishCommitted()}), which it does only if the commit succeeded; a failed commit
 * closes the task dirty ({@link #clearCache()}) and the pending list is dropped with it.
 * {@code CachedStateStore} is internal to Kafka Streams: an upgrade must re-check that 4.4's call
 * order still holds (the integration tests fail at once if it does not).
 *
 * @param <V> immutable value type of the view
 */
public abstract class CommittedViewStore<V> implements StateStore, CachedStateStore<String, V> {

    /** No record processed since the store was opened: every restored entry is committed. */
    public static final long ALL_RESTORED = Long.MAX_VALUE;

    protected final KeyValueStore<String, V> inner;
    private final NavigableMap<String, V> view = new TreeMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<KeyValue<String, V>> pending = new ArrayList<>();
    private long processedOffset = -1;
    private long pendingOffset = -1;
    private volatile long committedOffset = ALL_RESTORED;
    private boolean loaded;

    protected CommittedViewStore(final KeyValueStore<String, V> inner) {
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
     * Loads the restored state. The processor calls this from its {@code init}, which Kafka Streams
     * runs after the task's stores are restored from their changelogs.
     */
    public final void open() {
        if (loaded) {
            return;
        }
        lock.writeLock().lock();
        try {
            view.clear();
            try (KeyValueIterator<String, V> all = inner.all()) {
                while (all.hasNext()) {
                    final KeyValue<String, V> entry = all.next();
                    view.put(entry.key, entry.value);
                    onRestored(entry.key, entry.value);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        committedOffset = ALL_RESTORED;
        processedOffset = -1;
        loaded = true;
    }

    protected final boolean isLoaded() {
        return loaded;
    }

    /** Tells the subclass about a restored entry, so it can rebuild its working state. */
    protected void onRestored(final String key, final V value) {
    }

    /**
     * Called by the processor for every input record before it changes anything: publishes what
     * the previous commit wrote and notes the record's offset.
     */
    public final void beginRecord(final long offset) {
        if (!loaded) {
            open();
        }
        publishCommitted();
        if (committedOffset == ALL_RESTORED) {
            // everything before the first record after a restore was committed
            committedOffset = offset - 1;
        }
        processedOffset = offset;
    }

    /** Makes what the last successful commit wrote visible to readers (stream thread only). */
    public final void publishCommitted() {
        if (pending.isEmpty() && pendingOffset < 0) {
            return;
        }
        lock.writeLock().lock();
        try {
            for (final KeyValue<String, V> entry : pending) {
                if (entry.value == null) {
                    view.remove(entry.key);
                } else {
                    view.put(entry.key, entry.value);
                }
            }
            if (pendingOffset >= 0) {
                committedOffset = pendingOffset;
            }
        } finally {
            lock.writeLock().unlock();
        }
        pending.clear();
        pendingOffset = -1;
    }

    /** The subclass hands over its changes since the last flush (null value = delete). */
    protected abstract void drainChanges(List<KeyValue<String, V>> changes);

    @Override
    public final void flushCache() {
        final int before = pending.size();
        drainChanges(pending);
        for (int i = before; i < pending.size(); i++) {
            final KeyValue<String, V> change = pending.get(i);
            if (change.value == null) {
                inner.delete(change.key);
            } else {
                inner.put(change.key, change.value);
            }
        }
        if (processedOffset >= 0) {
            pendingOffset = processedOffset;
        }
    }

    @Override
    public void clearCache() {
        // the task closes without committing: what the open transaction did is forgotten
        pending.clear();
        pendingOffset = -1;
        loaded = false;
    }

    @Override
    public final boolean setFlushListener(final CacheFlushListener<String, V> listener, final boolean sendOldValues) {
        return false;
    }

    @Override
    public final void commit(final Map<TopicPartition, Long> changelogOffsets) {
        flushCache();
        inner.commit(changelogOffsets);
    }

    /**
     * Reads the committed view under the read lock; {@code reader} gets the view and the input
     * offset up to which it is committed, and must not keep the map.
     */
    protected final <R> R read(final Function<Committed<V>, R> reader) {
        lock.readLock().lock();
        try {
            return reader.apply(new Committed<>(view, committedOffset));
        } finally {
            lock.readLock().unlock();
        }
    }

    /** The committed view and the last input offset it includes. */
    protected record Committed<V>(NavigableMap<String, V> view, long offset) {
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
