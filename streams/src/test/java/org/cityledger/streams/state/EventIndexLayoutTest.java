package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
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

/** The project history says which layout it holds, so that a ledger upgraded to a new layout rebuilds it instead of reading gaps. */
class EventIndexLayoutTest {

    private final List<KeyValueStore<?, byte[]>> stores = new ArrayList<>();
    private KeyValueStore<Bytes, byte[]> history;
    private EventIndex index;

    @BeforeEach
    void open() {
        final KeyValueStore<Bytes, byte[]> events = store("events", Serdes.Bytes());
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
}
