package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;

class IndexStoreTest {

    private static final String NAME = "ledger-audit-index";

    @TempDir
    File dir;

    private final IndexStore store = new IndexStore(NAME);

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void shouldReadBackABatchWithTheLaterWriteOfAKeyWinningAndNullsDeleting() {
        store.open(dir, Map.of());
        store.put(key("gone"), value("before"));

        store.putAll(List.of(entry("a", "1"), entry("b", "2"), KeyValue.pair(key("gone"), null), entry("a", "3")));

        assertThat(text(store.get(key("a")))).isEqualTo("3");
        assertThat(text(store.get(key("b")))).isEqualTo("2");
        assertThat(store.get(key("gone"))).isNull();
    }

    @Test
    void shouldKeepItsEntriesAcrossACloseAndAReopen() {
        store.open(dir, Map.of());
        store.putAll(List.of(entry("a", "1"), entry("b", "2")));
        store.delete(key("b"));
        store.close();

        store.open(dir, Map.of());

        assertThat(text(store.get(key("a")))).isEqualTo("1");
        assertThat(store.get(key("b"))).isNull();
    }

    @Test
    void shouldRangeInKeyOrderWithBothBoundsInclusive() {
        store.open(dir, Map.of());
        store.putAll(List.of(entry("d", "4"), entry("a", "1"), entry("c", "3"), entry("b", "2")));

        assertThat(keys(store.range(key("b"), key("c")))).containsExactly("b", "c");
        assertThat(keys(store.all())).containsExactly("a", "b", "c", "d");
    }

    @Test
    void shouldOrderKeysAsUnsignedBytes() {
        store.open(dir, Map.of());
        store.putAll(List.of(KeyValue.pair(Bytes.wrap(new byte[] {(byte) 0xFF}), value("high")),
                KeyValue.pair(Bytes.wrap(new byte[] {0x01}), value("low"))));

        try (KeyValueIterator<Bytes, byte[]> upTo = store.range(Bytes.wrap(new byte[] {0x00}), Bytes.wrap(new byte[] {(byte) 0xFF}))) {
            assertThat(text(upTo.next().value)).isEqualTo("low");
            assertThat(text(upTo.next().value)).isEqualTo("high");
            assertThat(upTo.hasNext()).isFalse();
        }
    }

    @Test
    void shouldAnswerInteractiveKeyAndRangeQueries() {
        store.open(dir, Map.of());
        store.putAll(List.of(entry("a", "1"), entry("b", "2"), entry("c", "3")));

        final QueryResult<byte[]> one = store.query(KeyQuery.<Bytes, byte[]>withKey(key("b")), PositionBound.unbounded(),
                new QueryConfig(false));
        final QueryResult<KeyValueIterator<Bytes, byte[]>> range = store.query(
                RangeQuery.<Bytes, byte[]>withRange(key("b"), key("c")), PositionBound.unbounded(), new QueryConfig(false));

        assertThat(one.isSuccess()).isTrue();
        assertThat(text(one.getResult())).isEqualTo("2");
        assertThat(range.isSuccess()).isTrue();
        assertThat(keys(range.getResult())).containsExactly("b", "c");
    }

    @Test
    void shouldRefuseADescendingRangeQueryInsteadOfAnsweringItAscending() {
        store.open(dir, Map.of());

        final QueryResult<KeyValueIterator<Bytes, byte[]>> descending = store.query(
                RangeQuery.<Bytes, byte[]>withNoBounds().withDescendingKeys(), PositionBound.unbounded(), new QueryConfig(false));

        assertThat(descending.isFailure()).isTrue();
        assertThat(descending.getFailureMessage()).contains(NAME);
    }

    @Test
    void shouldCloseTheIteratorsStillOpenWhenItCloses() {
        store.open(dir, Map.of());
        store.putAll(List.of(entry("a", "1"), entry("b", "2")));
        final KeyValueIterator<Bytes, byte[]> reading = store.all();

        store.close();

        assertThat(store.isOpen()).isFalse();
        assertThatThrownBy(reading::hasNext).isInstanceOf(InvalidStateStoreException.class).hasMessageContaining(NAME);
        assertThatThrownBy(() -> store.get(key("a"))).isInstanceOf(InvalidStateStoreException.class);
    }

    @Test
    void shouldOpenWhatKafkaStreamsOwnStoreWroteAndDropItsOffsetsColumnFamily() throws Exception {
        // Kafka Streams 4.4's RocksDBStore: the data in the default column family, its offsets in one named "offsets"
        final List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions().setCreateIfMissing(true).setCreateMissingColumnFamilies(true);
             RocksDB kafkas = RocksDB.open(options, dir.getAbsolutePath(), List.of(
                     new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                     new ColumnFamilyDescriptor("offsets".getBytes(StandardCharsets.UTF_8))), handles)) {
            kafkas.put(handles.get(0), "a".getBytes(StandardCharsets.UTF_8), value("1"));
            kafkas.put(handles.get(1), "status".getBytes(StandardCharsets.UTF_8), value("open"));
            handles.forEach(ColumnFamilyHandle::close);
        }

        store.open(dir, Map.of());
        store.close();

        try (org.rocksdb.Options options = new org.rocksdb.Options()) {
            assertThat(RocksDB.listColumnFamilies(options, dir.getAbsolutePath())).hasSize(1);
        }
        store.open(dir, Map.of());
        assertThat(text(store.get(key("a")))).isEqualTo("1");
    }

    @Test
    void shouldShareTheNodesMemoryBoundWhenTheConfigsCarryIt() {
        try (RocksDbMemory memory = new RocksDbMemory(RocksDbMemory.MIN_BYTES)) {
            store.open(dir, Map.of(RocksDbMemory.CONFIG, memory));
            store.putAll(List.of(entry("a", "1")));

            assertThat(memory.usage()).isPositive();
            store.close();
        }
    }

    @Test
    void shouldRefuseARecordCacheAndAChangelog() {
        assertThatThrownBy(() -> IndexStore.builder(NAME).withCachingEnabled()).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining(NAME);
        assertThatThrownBy(() -> IndexStore.builder(NAME).withLoggingEnabled(Map.of()))
                .isInstanceOf(UnsupportedOperationException.class).hasMessageContaining("changelog");
        assertThat(IndexStore.builder(NAME).withCachingDisabled().withLoggingDisabled().loggingEnabled()).isFalse();
    }

    private static List<String> keys(final KeyValueIterator<Bytes, byte[]> iterator) {
        final List<String> keys = new ArrayList<>();
        try (iterator) {
            iterator.forEachRemaining(entry -> keys.add(new String(entry.key.get(), StandardCharsets.UTF_8)));
        }
        return keys;
    }

    private static KeyValue<Bytes, byte[]> entry(final String key, final String value) {
        return KeyValue.pair(key(key), value(value));
    }

    private static Bytes key(final String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] value(final String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final byte[] value) {
        return new String(value, StandardCharsets.UTF_8);
    }
}
