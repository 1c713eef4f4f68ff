package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The writes of one stream thread to a store without a changelog, held back and written as one
 * RocksDB write batch ({@code putAll}) per commit, or sooner when {@code maxPending} keys wait.
 * The profile put single puts at a third of the stream thread (five per counted event then, each its own
 * trip through RocksDB's write path); a batch takes that trip once. The batch is written in key
 * order: RocksDB's memtable skip list remembers where its last insert went and starts the next from
 * there, so keys in order each find their place a few steps on instead of from the top (the
 * memtable inserts were three quarters of the batch's cost with the keys in hash order).
 *
 * <p>Two kinds. A {@linkplain #readable readable} one keeps the pending writes by key, so that a read
 * by key sees them: the event index, read for every event. A {@linkplain #writeOnly write-only} one
 * keeps them in the order made and writes them first when asked to read: the audit index, three
 * writes per counted event and read by key only when a task opens; its map was a tenth of the stream
 * thread. Its batch is sorted stably, so the later of two writes of one key is written later and wins;
 * one of byte keys is sorted by {@link ByteKeySort}, which the profile asked for.
 *
 * <p>Readers of ranges must {@link #flush()} first. Readers on other threads (interactive queries)
 * read the store itself, and only what a commit included, so the owner flushes before each commit
 * ({@link EventIndex#flush()}). Stream thread only.
 */
final class WriteBehind<K> {

    private final KeyValueStore<K, byte[]> store;
    /** Returns the batch in the store's key order; stable, as a write-only batch may hold a key twice. */
    private final UnaryOperator<List<KeyValue<K, byte[]>>> inStoreOrder;
    private final int maxPending;
    /** A readable one's pending writes by key (a null value is a pending delete); null when write-only. */
    private final Map<K, byte[]> byKey;
    /** A write-only one's pending writes in the order made; null when readable. */
    private List<KeyValue<K, byte[]>> inOrder;

    private WriteBehind(final KeyValueStore<K, byte[]> store, final UnaryOperator<List<KeyValue<K, byte[]>>> inStoreOrder,
                        final int maxPending, final boolean readable) {
        this.store = store;
        this.inStoreOrder = inStoreOrder;
        this.maxPending = maxPending;
        this.byKey = readable ? new HashMap<>() : null;
        this.inOrder = readable ? null : new ArrayList<>();
    }

    /**
     * Reads by key see the pending writes.
     *
     * @param order the order of the keys in the store, or close to it: the batch is written in this order
     */
    static <K> WriteBehind<K> readable(final KeyValueStore<K, byte[]> store, final Comparator<K> order, final int maxPending) {
        return new WriteBehind<>(store, sortedBy(order), maxPending, true);
    }

    /**
     * A read by key writes the pending writes first: for a store written far more often than it is read by key.
     *
     * @param order the order of the keys in the store: the batch is written in this order
     */
    static <K> WriteBehind<K> writeOnly(final KeyValueStore<K, byte[]> store, final Comparator<K> order, final int maxPending) {
        return new WriteBehind<>(store, sortedBy(order), maxPending, false);
    }

    /** A readable one of byte keys, its batches sorted by {@link ByteKeySort}: the event index. */
    static WriteBehind<Bytes> readable(final KeyValueStore<Bytes, byte[]> store, final int maxPending) {
        return new WriteBehind<>(store, sorted(maxPending), maxPending, true);
    }

    /** A write-only one of byte keys, its batches sorted by {@link ByteKeySort}: the audit index. */
    static WriteBehind<Bytes> writeOnly(final KeyValueStore<Bytes, byte[]> store, final int maxPending) {
        return new WriteBehind<>(store, sorted(maxPending), maxPending, false);
    }

    private static UnaryOperator<List<KeyValue<Bytes, byte[]>>> sorted(final int maxPending) {
        if (maxPending > ByteKeySort.MAX_KEYS) {
            throw new IllegalArgumentException("at most " + ByteKeySort.MAX_KEYS + " pending keys, not " + maxPending);
        }
        return ByteKeySort::sorted;
    }

    private static <K> UnaryOperator<List<KeyValue<K, byte[]>>> sortedBy(final Comparator<K> order) {
        final Comparator<KeyValue<K, byte[]>> byKey = (a, b) -> order.compare(a.key, b.key);
        return batch -> {
            // List.sort is stable: two writes of one key (write-only) keep their order
            batch.sort(byKey);
            return batch;
        };
    }

    KeyValueStore<K, byte[]> store() {
        return store;
    }

    void put(final K key, final byte[] value) {
        if (byKey != null) {
            byKey.put(key, value);
        } else {
            inOrder.add(KeyValue.pair(key, value));
        }
        if (pending() >= maxPending) {
            flush();
        }
    }

    void delete(final K key) {
        put(key, null);
    }

    byte[] get(final K key) {
        if (byKey == null) {
            flush();
        } else if (byKey.containsKey(key)) {
            return byKey.get(key);
        }
        return store.get(key);
    }

    /** Writes what is pending, in one batch. */
    void flush() {
        if (pending() == 0) {
            return;
        }
        store.putAll(takeBatch());
    }

    /** What is pending, in the store's key order; nothing is pending after. */
    List<KeyValue<K, byte[]>> takeBatch() {
        final List<KeyValue<K, byte[]>> batch;
        if (byKey != null) {
            batch = new ArrayList<>(byKey.size());
            byKey.forEach((key, value) -> batch.add(KeyValue.pair(key, value)));
            byKey.clear();
        } else {
            batch = inOrder;
            inOrder = new ArrayList<>(batch.size());
        }
        return inStoreOrder.apply(batch);
    }

    int pending() {
        return byKey != null ? byKey.size() : inOrder.size();
    }
}
