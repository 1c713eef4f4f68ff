package org.cityledger.streams.state;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.ResultOrder;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactionStyle;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * A persistent store of the ledger's own for an index without a changelog, over RocksJava: what
 * Kafka Streams' {@code RocksDBStore} does for such a store, less what the ledger does not use
 * (changelog restore, position tracking, the record cache, the metered wrapper), and with one thing
 * it cannot do: {@link #putAll} hands RocksDB the whole batch serialized in Java
 * ({@link RocksBatchFormat}), one JNI call where Kafka's store makes one per entry. The two indexes
 * write four entries per counted event in one sorted batch each per commit ({@link WriteBehind}), and
 * building those batches entry by entry was a tenth of the stream threads in the profile;
 * {@code BatchWriteBenchmark} measured the two ways 1.4 × apart.
 *
 * <p>Same files and options as Kafka's store: {@code <task dir>/rocksdb/<name>}, universal compaction,
 * no compression, no write-ahead log (the index is rebuilt from the events topic, never restored), a
 * Bloom filter, and the node's memory bound ({@link RocksDbMemory}, found in the application's
 * configs) when it has one. A directory Kafka's store wrote opens as it is: its data is in the default
 * column family, and the column family of offsets Kafka's store kept beside it is dropped. RocksDB
 * flushes the memtables when the store closes, so a clean close leaves everything on disk.
 *
 * <p>Interactive queries read it from other threads: {@link KeyQuery} and {@link RangeQuery}
 * (ascending or unordered). Every access holds the store's lock, as Kafka's store's do, so that a
 * close never frees what a reader is using; iterators still open when the store closes are closed
 * with it, and fail their next call.
 */
public final class IndexStore implements KeyValueStore<Bytes, byte[]> {

    private static final String DIR = "rocksdb";
    private static final long BLOCK_CACHE_BYTES = 50L << 20;
    private static final long BLOCK_BYTES = 4L << 10;
    private static final long MEMTABLE_BYTES = 16L << 20;
    private static final int MEMTABLES = 3;

    private final String name;
    private final Set<RangeIterator> openIterators = new HashSet<>();
    private Options options;
    private BloomFilter filter;
    /** The block cache of a store outside a ledger node; null in a node, whose stores share {@link RocksDbMemory}'s. */
    private Cache ownCache;
    private DBOptions dbOptions;
    private ColumnFamilyOptions columnOptions;
    private WriteOptions writeOptions;
    private ColumnFamilyHandle data;
    private RocksDB db;
    private File dir;

    IndexStore(final String name) {
        this.name = name;
    }

    /** A builder of the store: without a changelog and without a record cache, which it refuses. */
    public static StoreBuilder<KeyValueStore<Bytes, byte[]>> builder(final String name) {
        return new Builder(name);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public synchronized void init(final StateStoreContext context, final StateStore root) {
        open(new File(new File(context.stateDir(), DIR), name), context.appConfigs());
        context.register(root, (key, value) -> {
            throw new IllegalStateException("store " + name + " has no changelog: nothing should restore it");
        });
    }

    /** Opens (creating it if need be) the store in {@code directory}; {@code configs} may carry the node's {@link RocksDbMemory}. */
    synchronized void open(final File directory, final Map<String, Object> configs) {
        if (db != null) {
            throw new IllegalStateException("store " + name + " is open already");
        }
        dir = directory;
        // the filter's class, unlike the options', does not load the native library itself
        RocksDB.loadLibrary();
        filter = new BloomFilter();
        ownCache = configs.get(RocksDbMemory.CONFIG) instanceof RocksDbMemory ? null : new LRUCache(BLOCK_CACHE_BYTES);
        options = options(configs, filter, ownCache);
        dbOptions = new DBOptions(options);
        columnOptions = new ColumnFamilyOptions(options);
        writeOptions = new WriteOptions().setDisableWAL(true);
        try {
            Files.createDirectories(dir.toPath());
            final List<ColumnFamilyDescriptor> families = new ArrayList<>();
            for (final byte[] family : RocksDB.listColumnFamilies(options, dir.getAbsolutePath())) {
                families.add(new ColumnFamilyDescriptor(family, columnOptions));
            }
            if (families.isEmpty()) {
                families.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, columnOptions));
            }
            final List<ColumnFamilyHandle> handles = new ArrayList<>();
            db = RocksDB.open(dbOptions, dir.getAbsolutePath(), families, handles);
            for (int i = 0; i < families.size(); i++) {
                if (Arrays.equals(families.get(i).getName(), RocksDB.DEFAULT_COLUMN_FAMILY)) {
                    data = handles.get(i);
                } else {
                    // Kafka's store kept its offsets there; this store keeps none
                    db.dropColumnFamily(handles.get(i));
                    handles.get(i).close();
                }
            }
        } catch (final RocksDBException | IOException e) {
            closeNative();
            throw new ProcessorStateException("cannot open store " + name + " at " + dir + ": " + e.getMessage(), e);
        }
    }

    private static Options options(final Map<String, Object> configs, final BloomFilter filter, final Cache ownCache) {
        final BlockBasedTableConfig table = new BlockBasedTableConfig();
        table.setBlockSize(BLOCK_BYTES);
        table.setFilterPolicy(filter);
        final Options options = new Options()
                .setCreateIfMissing(true)
                .setErrorIfExists(false)
                .setInfoLogLevel(InfoLogLevel.ERROR_LEVEL)
                .setCompactionStyle(CompactionStyle.UNIVERSAL)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setWriteBufferSize(MEMTABLE_BYTES)
                .setMaxWriteBufferNumber(MEMTABLES)
                .setTableFormatConfig(table);
        options.setIncreaseParallelism(Math.max(Runtime.getRuntime().availableProcessors(), 2));
        if (configs.get(RocksDbMemory.CONFIG) instanceof RocksDbMemory memory) {
            memory.configure(options);
        } else {
            // a store outside a ledger node (a test driver): a cache of its own, as Kafka's store has
            table.setBlockCache(ownCache);
            options.setTableFormatConfig(table);
        }
        return options;
    }

    @Override
    public synchronized void put(final Bytes key, final byte[] value) {
        final RocksDB open = open();
        try {
            if (value == null) {
                open.delete(data, writeOptions, key.get());
            } else {
                open.put(data, writeOptions, key.get(), value);
            }
        } catch (final RocksDBException e) {
            throw failed("write to", e);
        }
    }

    @Override
    public synchronized byte[] putIfAbsent(final Bytes key, final byte[] value) {
        final byte[] present = get(key);
        if (present == null) {
            put(key, value);
        }
        return present;
    }

    /** Writes {@code entries} in order in one RocksDB write: a later entry of a key wins; a null value deletes. */
    @Override
    public synchronized void putAll(final List<KeyValue<Bytes, byte[]>> entries) {
        if (entries.isEmpty()) {
            return;
        }
        final RocksDB open = open();
        try (WriteBatch batch = new WriteBatch(RocksBatchFormat.serialize(entries))) {
            open.write(writeOptions, batch);
        } catch (final RocksDBException e) {
            throw failed("write a batch of " + entries.size() + " entries to", e);
        }
    }

    @Override
    public synchronized byte[] delete(final Bytes key) {
        final byte[] present = get(key);
        put(key, null);
        return present;
    }

    @Override
    public synchronized byte[] get(final Bytes key) {
        try {
            return open().get(data, key.get());
        } catch (final RocksDBException e) {
            throw failed("read from", e);
        }
    }

    /** The entries from {@code from} to {@code to}, both inclusive, in key order; a null bound is open. */
    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> range(final Bytes from, final Bytes to) {
        final RangeIterator iterator = new RangeIterator(open().newIterator(data), from, to);
        openIterators.add(iterator);
        return iterator;
    }

    @Override
    public synchronized KeyValueIterator<Bytes, byte[]> all() {
        return range(null, null);
    }

    @Override
    public synchronized long approximateNumEntries() {
        try {
            return open().getLongProperty(data, "rocksdb.estimate-num-keys");
        } catch (final RocksDBException e) {
            throw failed("count the entries of", e);
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        final QueryResult<R> result;
        if (query instanceof KeyQuery<?, ?> keyQuery && keyQuery.getKey() instanceof Bytes key) {
            result = (QueryResult<R>) QueryResult.forResult(get(key));
        } else if (query instanceof RangeQuery<?, ?> rangeQuery && rangeQuery.resultOrder() != ResultOrder.DESCENDING) {
            final Bytes from = (Bytes) rangeQuery.getLowerBound().orElse(null);
            final Bytes to = (Bytes) rangeQuery.getUpperBound().orElse(null);
            result = (QueryResult<R>) QueryResult.forResult(range(from, to));
        } else {
            return QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE,
                    "store " + name + " answers key queries and ascending range queries of Bytes keys, not " + query);
        }
        // the store keeps no position: readers that need read-committed answers gate on the totals' commits
        result.setPosition(Position.emptyPosition());
        return result;
    }

    @Override
    public Position getPosition() {
        return Position.emptyPosition();
    }

    /** Nothing to do at a commit: without a write-ahead log, a clean close is what makes the writes durable. */
    @Override
    public void commit(final Map<TopicPartition, Long> changelogOffsets) {
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public synchronized boolean isOpen() {
        return db != null;
    }

    @Override
    public synchronized void close() {
        if (db == null) {
            return;
        }
        for (final RangeIterator iterator : List.copyOf(openIterators)) {
            iterator.close();
        }
        closeNative();
    }

    private void closeNative() {
        if (data != null) {
            data.close();
            data = null;
        }
        if (db != null) {
            // with no write-ahead log RocksDB flushes the memtables as it closes
            db.close();
            db = null;
        }
        for (final AutoCloseable resource : new AutoCloseable[] {writeOptions, columnOptions, dbOptions, options, filter, ownCache}) {
            if (resource != null) {
                try {
                    resource.close();
                } catch (final Exception e) {
                    throw new ProcessorStateException("cannot close store " + name + ": " + e.getMessage(), e);
                }
            }
        }
        writeOptions = null;
        columnOptions = null;
        dbOptions = null;
        options = null;
        filter = null;
        ownCache = null;
    }

    private RocksDB open() {
        if (db == null) {
            throw new InvalidStateStoreException("store " + name + " is not open");
        }
        return db;
    }

    private ProcessorStateException failed(final String what, final RocksDBException e) {
        return new ProcessorStateException("cannot " + what + " store " + name + " at " + dir + ": " + e.getMessage(), e);
    }

    /** Over RocksDB's iterator, under the store's lock: a close of the store closes it first. */
    private final class RangeIterator implements KeyValueIterator<Bytes, byte[]> {

        private final RocksIterator rocks;
        private final byte[] to;
        private boolean closed;

        RangeIterator(final RocksIterator rocks, final Bytes from, final Bytes to) {
            this.rocks = rocks;
            this.to = to == null ? null : to.get();
            if (from == null) {
                rocks.seekToFirst();
            } else {
                rocks.seek(from.get());
            }
        }

        @Override
        public boolean hasNext() {
            synchronized (IndexStore.this) {
                if (closed) {
                    throw new InvalidStateStoreException("store " + name + ": the iterator is closed");
                }
                return rocks.isValid() && (to == null || Arrays.compareUnsigned(rocks.key(), to) <= 0);
            }
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            synchronized (IndexStore.this) {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                final KeyValue<Bytes, byte[]> entry = KeyValue.pair(Bytes.wrap(rocks.key()), rocks.value());
                rocks.next();
                return entry;
            }
        }

        @Override
        public Bytes peekNextKey() {
            synchronized (IndexStore.this) {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return Bytes.wrap(rocks.key());
            }
        }

        @Override
        public void close() {
            synchronized (IndexStore.this) {
                if (!closed) {
                    closed = true;
                    rocks.close();
                    openIterators.remove(this);
                }
            }
        }
    }

    private static final class Builder implements StoreBuilder<KeyValueStore<Bytes, byte[]>> {

        private final String name;

        Builder(final String name) {
            this.name = name;
        }

        @Override
        public StoreBuilder<KeyValueStore<Bytes, byte[]>> withCachingEnabled() {
            // every key is written once per event: a cache would save no writes, only add its bookkeeping
            throw new UnsupportedOperationException("store " + name + " has no record cache");
        }

        @Override
        public StoreBuilder<KeyValueStore<Bytes, byte[]>> withCachingDisabled() {
            return this;
        }

        @Override
        public StoreBuilder<KeyValueStore<Bytes, byte[]>> withLoggingEnabled(final Map<String, String> config) {
            throw new UnsupportedOperationException("store " + name + " has no changelog: it is rebuilt from the events topic");
        }

        @Override
        public StoreBuilder<KeyValueStore<Bytes, byte[]>> withLoggingDisabled() {
            return this;
        }

        @Override
        public KeyValueStore<Bytes, byte[]> build() {
            return new IndexStore(name);
        }

        @Override
        public Map<String, String> logConfig() {
            return Map.of();
        }

        @Override
        public boolean loggingEnabled() {
            return false;
        }

        @Override
        public String name() {
            return name;
        }
    }
}
