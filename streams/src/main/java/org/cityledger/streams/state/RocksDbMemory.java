package org.cityledger.streams.state;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.WriteBufferManager;

/**
 * One bound on the off-heap memory of every RocksDB store of a ledger node: a single block cache
 * that also holds the index and filter blocks, and the memtables charged to it through a write
 * buffer manager, so that a node's RSS is its heap plus this bound plus a little, however many
 * partitions (stores) it hosts. Without it each store has its own cache and memtables, and a node's
 * native memory grows with its partitions (Kafka Streams' "bounded memory" recipe).
 *
 * <p>The node makes one instance, hands it to Kafka Streams in its properties under
 * {@link #CONFIG} (so no static state is shared between nodes of one JVM, as tests run them),
 * and closes it after Kafka Streams has closed. {@link Setter} is the class Kafka Streams
 * instantiates per store; it finds the instance in the application's configs.
 */
public final class RocksDbMemory implements AutoCloseable {

    /** The Kafka Streams property that carries the node's instance to {@link Setter}. */
    public static final String CONFIG = "city.ledger.rocksdb.memory";
    /** The smallest bound that leaves every store a memtable and some cache. */
    public static final long MIN_BYTES = 32L << 20;
    /** Share of the bound the memtables may take; the rest caches blocks. */
    static final double WRITE_BUFFER_SHARE = 0.5;
    /** Share of the cache kept for index and filter blocks, which every read needs. */
    private static final double HIGH_PRIORITY_SHARE = 0.1;
    /** Each store's memtable; the write buffer manager flushes early when all of them together reach their share. */
    private static final long MEMTABLE_BYTES = 16L << 20;

    private final long bytes;
    private final Cache cache;
    private final WriteBufferManager writeBuffers;

    public RocksDbMemory(final long bytes) {
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("rocksDbMemory: must be at least " + MIN_BYTES + " bytes, got " + bytes);
        }
        this.bytes = bytes;
        // the native library loads with the first store otherwise; the cache is made before any store
        RocksDB.loadLibrary();
        this.cache = new LRUCache(bytes, -1, false, HIGH_PRIORITY_SHARE);
        this.writeBuffers = new WriteBufferManager((long) (bytes * WRITE_BUFFER_SHARE), cache);
    }

    public long bytes() {
        return bytes;
    }

    /** What the shared cache holds now (blocks and the memtables charged to it), for metrics and the harness. */
    public long usage() {
        return cache.getUsage();
    }

    void configure(final Options options) {
        final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        table.setBlockCache(cache);
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setTableFormatConfig(table);
        options.setWriteBufferManager(writeBuffers);
        options.setWriteBufferSize(Math.min(MEMTABLE_BYTES, (long) (bytes * WRITE_BUFFER_SHARE)));
        options.setMaxWriteBufferNumber(2);
    }

    @Override
    public void close() {
        writeBuffers.close();
        cache.close();
    }

    /** Kafka Streams' hook, one instance per store: applies the node's {@link RocksDbMemory}. */
    public static final class Setter implements RocksDBConfigSetter {

        @Override
        public void setConfig(final String storeName, final Options options, final Map<String, Object> configs) {
            final Object memory = configs.get(CONFIG);
            if (!(memory instanceof RocksDbMemory bound)) {
                throw new IllegalStateException("store " + storeName + ": " + CONFIG + " must hold the node's RocksDbMemory, got "
                        + (memory == null ? "nothing" : memory.getClass().getName()));
            }
            bound.configure(options);
        }

        @Override
        public void close(final String storeName, final Options options) {
            // the cache and the write buffer manager are the node's, shared by every store: the node closes them
        }
    }
}
