package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Reads by key see the pending writes; a reader of ranges must {@link #flush()} first. Readers on
 * other threads (interactive queries) read the store itself, and only what a commit included, so
 * the owner flushes before each commit ({@link EventIndex#flush()}). Stream thread only.
 */
final class WriteBehind<K> {

    private final KeyValueStore<K, byte[]> store;
    private final Comparator<KeyValue<K, byte[]>> inStoreOrder;
    private final int maxPending;
    /** Pending writes by key; a null value is a pending delete. */
    private final Map<K, byte[]> pending = new HashMap<>();

    /**
     * @param order the order of the keys in the store, or close to it: the batch is written in this order
     */
    WriteBehind(final KeyValueStore<K, byte[]> store, final Comparator<K> order, final int maxPending) {
        this.store = store;
        this.inStoreOrder = Comparator.comparing(entry -> entry.key, order);
        this.maxPending = maxPending;
    }

    KeyValueStore<K, byte[]> store() {
        return store;
    }

    void put(final K key, final byte[] value) {
        pending.put(key, value);
        if (pending.size() >= maxPending) {
            flush();
        }
    }

    void delete(final K key) {
        put(key, null);
    }

    byte[] get(final K key) {
        if (pending.containsKey(key)) {
            return pending.get(key);
        }
        return store.get(key);
    }

    /** Writes what is pending, in one batch. */
    void flush() {
        if (pending.isEmpty()) {
            return;
        }
        store.putAll(takeBatch());
    }

    /** What is pending, in the store's key order; nothing is pending after. */
    List<KeyValue<K, byte[]>> takeBatch() {
        final List<KeyValue<K, byte[]>> batch = new ArrayList<>(pending.size());
        pending.forEach((key, value) -> batch.add(KeyValue.pair(key, value)));
        pending.clear();
        batch.sort(inStoreOrder);
        return batch;
    }

    int pending() {
        return pending.size();
    }
}
