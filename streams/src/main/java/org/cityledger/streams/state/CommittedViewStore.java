package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Standby replicas: no processor runs there; the changelog is restored straight into the inner
 * store, in batches that may end in the middle of one commit's writes. So every value is stamped
 * with the number of the commit that wrote it, and each commit's writes end with a marker holding
 * that number: a standby snapshot is consistent when no value is newer than the marker.
 *
 * @param <V> immutable value type of the view
 */
public abstract class CommittedViewStore<V> implements StateStore, CachedStateStore<String, V> {

    /** No record processed since the store was opened: every restored entry is committed. */
    public static final long ALL_RESTORED = Long.MAX_VALUE;

    /** Written last by every commit: the commit's sequence number. Sorts before every real key. */
    static final String COMMIT_MARKER = "\u0000commit";
    private static final int STANDBY_READ_ATTEMPTS = 50;

    protected final KeyValueStore<String, byte[]> inner;
    private final Function<V, byte[]> serializer;
    private final Function<byte[], V> deserializer;
    private long sequence;
    private final NavigableMap<String, V> view = new TreeMap<>();
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final List<KeyValue<String, V>> pending = new ArrayList<>();
    private long processedOffset = -1;
    private long pendingOffset = -1;
    private volatile long committedOffset = ALL_RESTORED;
    private volatile boolean loaded;

    protected CommittedViewStore(final KeyValueStore<String, byte[]> inner, final Function<V, byte[]> serializer,
                                 final Function<byte[], V> deserializer) {
        this.inner = inner;
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void init(final StateStoreContext context, final StateStore root) {
        // Kafka Streams revives a task that closed dirty with the same store objects (its state wiped):
        // nothing the aborted transaction staged may survive into the revived task
        clearCache();
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
            sequence = 0;
            try (KeyValueIterator<String, byte[]> all = inner.all()) {
                while (all.hasNext()) {
                    final KeyValue<String, byte[]> entry = all.next();
                    if (COMMIT_MARKER.equals(entry.key)) {
                        sequence = stamp(entry.value);
                        continue;
                    }
                    final V value = payload(entry.value);
                    view.put(entry.key, value);
                    onRestored(entry.key, value);
                }
            }
        } finally {
            lock.writeLock().unlock();
        }
        committedOffset = ALL_RESTORED;
        processedOffset = -1;
        loaded = true;
        onOpened();
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
            onPublished();
        } finally {
            lock.writeLock().unlock();
        }
        pending.clear();
        pendingOffset = -1;
    }

    /** The subclass hands over its changes since the last flush (null value = delete). */
    protected abstract void drainChanges(List<KeyValue<String, V>> changes);

    /**
     * Changes for readers only, not written to the changelog: state the subclass can rebuild from
     * elsewhere when it opens.
     */
    protected void drainViewOnlyChanges(final List<KeyValue<String, V>> changes) {
    }

    /** Called under the write lock whenever a commit's changes become visible (stream thread). */
    protected void onPublished() {
    }

    /**
     * Puts entries straight into the view, under the write lock: from {@link #onOpened()}, or with
     * state the subclass knows to be committed already.
     */
    protected final void putInView(final Map<String, V> entries) {
        putInView(entries, () -> { });
    }

    /** As {@link #putInView(Map)}, running {@code alsoUnderLock} in the same critical section. */
    protected final void putInView(final Map<String, V> entries, final Runnable alsoUnderLock) {
        lock.writeLock().lock();
        try {
            view.putAll(entries);
            alsoUnderLock.run();
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Called at the end of {@link #open()}, once the restored entries are loaded. */
    protected void onOpened() {
    }

    @Override
    public final void flushCache() {
        final int before = pending.size();
        drainChanges(pending);
        if (pending.size() > before) {
            sequence++;
            for (int i = before; i < pending.size(); i++) {
                final KeyValue<String, V> change = pending.get(i);
                if (change.value == null) {
                    inner.delete(change.key);
                } else {
                    inner.put(change.key, stamped(sequence, serializer.apply(change.value)));
                }
            }
            inner.put(COMMIT_MARKER, stamped(sequence, new byte[0]));
        }
        drainViewOnlyChanges(pending);
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
        if (!loaded) {
            // a standby replica: no processor runs here, the changelog restores the inner store directly
            return reader.apply(new Committed<>(standbySnapshot(), ALL_RESTORED));
        }
        lock.readLock().lock();
        try {
            return reader.apply(new Committed<>(view, committedOffset));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The standby's state as of its last fully restored commit. Restoration runs on another thread
     * and may be midway through a commit's writes; then the read is repeated.
     */
    private NavigableMap<String, V> standbySnapshot() {
        for (int attempt = 0; attempt < STANDBY_READ_ATTEMPTS; attempt++) {
            final NavigableMap<String, V> snapshot = new TreeMap<>();
            long committed = 0;
            long newest = 0;
            try (KeyValueIterator<String, byte[]> all = inner.all()) {
                while (all.hasNext()) {
                    final KeyValue<String, byte[]> entry = all.next();
                    if (COMMIT_MARKER.equals(entry.key)) {
                        committed = stamp(entry.value);
                    } else {
                        newest = Math.max(newest, stamp(entry.value));
                        snapshot.put(entry.key, payload(entry.value));
                    }
                }
            }
            if (newest <= committed) {
                return snapshot;
            }
            LockSupport.parkNanos(1_000_000L);
        }
        throw new IllegalStateException("the standby of " + name() + " is midway through restoring a commit");
    }

    private static byte[] stamped(final long stamp, final byte[] payload) {
        return ByteBuffer.allocate(Long.BYTES + payload.length).putLong(stamp).put(payload).array();
    }

    private static long stamp(final byte[] value) {
        return ByteBuffer.wrap(value).getLong();
    }

    private V payload(final byte[] value) {
        return deserializer.apply(Arrays.copyOfRange(value, Long.BYTES, value.length));
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
