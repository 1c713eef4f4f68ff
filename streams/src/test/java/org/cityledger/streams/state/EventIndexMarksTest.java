package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The marks the indexes keep of themselves: the project history says which layout it holds, so that
 * a ledger upgraded to a new layout rebuilds it instead of reading gaps; both indexes carry the mark
 * of a clean close, so that a crash between their closes leaves none to trust.
 */
class EventIndexMarksTest {

    private final List<KeyValueStore<?, byte[]>> stores = new ArrayList<>();
    private KeyValueStore<Bytes, byte[]> events;
    private KeyValueStore<Bytes, byte[]> history;
    private EventIndex index;

    @BeforeEach
    void open() {
        events = store("events", Serdes.Bytes());
        history = store("history", Serdes.Bytes());
        index = new EventIndex(events, history, 1024);
    }

    private <K> KeyValueStore<K, byte[]> store(final String name, final Serde<K> keys) {
        final KeyValueStore<K, byte[]> store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), keys, Serdes.ByteArray())
                .withLoggingDisabled().build();
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), null);
        store.init(context.getStateStoreContext(), store);
        stores.add(store);
        return store;
    }

    @AfterEach
    void close() {
        stores.forEach(KeyValueStore::close);
    }

    @Test
    void shouldCallAnUnmarkedHistoryOutdated() {
        assertThat(index.historyIsOutdated()).isTrue();
    }

    @Test
    void shouldCallAHistoryMarkedWithTheCurrentLayoutCurrent() {
        index.markHistoryLayout();
        index.flush();

        assertThat(index.historyIsOutdated()).isFalse();
        assertThat(AuditIndex.layoutOf(history.get(AuditIndex.LAYOUT_KEY))).isEqualTo(AuditIndex.LAYOUT_VERSION);
    }

    @Test
    void shouldCallAHistoryOfAnOlderLayoutOutdated() {
        history.put(AuditIndex.LAYOUT_KEY, ByteBuffer.allocate(Integer.BYTES).putInt(AuditIndex.LAYOUT_VERSION - 1).array());

        assertThat(index.historyIsOutdated()).isTrue();
    }

    @Test
    void shouldForgetTheLayoutMarkWhenCleared() {
        index.markHistoryLayout();
        index.clear();

        assertThat(index.historyIsOutdated()).isTrue();
    }

    @Test
    void shouldHaveNoCleanCloseMarkWithoutAClose() {
        assertThat(index.takeCleanCloseMark()).isNull();
    }

    @Test
    void shouldTrustACleanCloseMarkBothIndexesCarry() {
        index.markCleanClose(41);

        assertThat(index.takeCleanCloseMark()).isEqualTo(41L);
    }

    @Test
    void shouldRemoveTheCleanCloseMarkFromBothIndexesWhenTaken() {
        index.markCleanClose(41);
        index.takeCleanCloseMark();
        index.flush();

        assertThat(events.get(EventIndex.PROCESSED_THROUGH)).isNull();
        assertThat(history.get(AuditIndex.CLOSE_MARK_KEY)).isNull();
        assertThat(index.takeCleanCloseMark()).isNull();
    }

    @Test
    void shouldNotTrustACleanCloseMarkTheAuditIndexLacks() {
        index.markCleanClose(41);
        // the audit index's last memtable lost in a crash after the event index closed
        history.delete(AuditIndex.CLOSE_MARK_KEY);

        assertThat(index.takeCleanCloseMark()).isNull();
    }

    @Test
    void shouldNotTrustCleanCloseMarksOfDifferentCloses() {
        index.markCleanClose(40);
        final byte[] earlier = history.get(AuditIndex.CLOSE_MARK_KEY);
        index.markCleanClose(41);
        history.put(AuditIndex.CLOSE_MARK_KEY, earlier);

        assertThat(index.takeCleanCloseMark()).isNull();
    }

    @Test
    void shouldTrustAnEventIndexMarkWrittenBeforeTheAuditIndexCarriedOne() {
        events.put(EventIndex.PROCESSED_THROUGH, ByteBuffer.allocate(Long.BYTES).putLong(41).array());

        assertThat(index.takeCleanCloseMark()).isEqualTo(41L);
    }

    @Test
    void shouldNotTrustAMarkOfAnUnknownFormat() {
        events.put(EventIndex.PROCESSED_THROUGH, new byte[] {0, 0, 0, 0, 0, 0, 0, 41, 9});
        history.put(AuditIndex.CLOSE_MARK_KEY, new byte[] {0, 0, 0, 0, 0, 0, 0, 41, 9});

        assertThat(index.takeCleanCloseMark()).isNull();
    }

    @Test
    void shouldFindTheCleanCloseMarkOnceBothRocksDbStoresClosedAndReopened(@TempDir final File dir) {
        // neither store keeps a write-ahead log: the mark is on disk only if closing flushed it
        final IndexStore onDiskEvents = new IndexStore("events");
        final IndexStore onDiskHistory = new IndexStore("history");
        stores.add(onDiskEvents);
        stores.add(onDiskHistory);
        onDiskEvents.open(new File(dir, "events"), Map.of());
        onDiskHistory.open(new File(dir, "history"), Map.of());
        new EventIndex(onDiskEvents, onDiskHistory, 1024).markCleanClose(41);
        onDiskEvents.close();
        onDiskHistory.close();

        onDiskEvents.open(new File(dir, "events"), Map.of());
        onDiskHistory.open(new File(dir, "history"), Map.of());

        assertThat(new EventIndex(onDiskEvents, onDiskHistory, 1024).takeCleanCloseMark()).isEqualTo(41L);
    }
}
