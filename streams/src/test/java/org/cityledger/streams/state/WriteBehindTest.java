package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WriteBehindTest {

    private KeyValueStore<String, byte[]> store;
    private WriteBehind<String> writes;

    @BeforeEach
    void open() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-back"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(new Properties(), new TaskId(0, 0), null);
        store.init(context.getStateStoreContext(), store);
        writes = WriteBehind.readable(store, Comparator.naturalOrder(), 3);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldHoldWritesBackUntilFlushedButReadThemAtOnce() {
        writes.put("a", bytes("1"));

        assertThat(store.get("a")).isNull();
        assertThat(writes.get("a")).isEqualTo(bytes("1"));

        writes.flush();

        assertThat(store.get("a")).isEqualTo(bytes("1"));
        assertThat(writes.pending()).isZero();
    }

    @Test
    void shouldSeeAPendingDeleteBeforeTheStoreDoes() {
        store.put("a", bytes("1"));

        writes.delete("a");

        assertThat(writes.get("a")).isNull();
        assertThat(store.get("a")).isEqualTo(bytes("1"));
        writes.flush();
        assertThat(store.get("a")).isNull();
    }

    @Test
    void shouldKeepOnlyTheLastWriteOfAKey() {
        writes.put("a", bytes("1"));
        writes.put("a", bytes("2"));
        writes.flush();

        assertThat(store.get("a")).isEqualTo(bytes("2"));
    }

    @Test
    void shouldWriteABatchInTheStoresKeyOrder() {
        // two: a third would write the batch (maxPending 3)
        writes.put("b", bytes("2"));
        writes.delete("a");

        assertThat(writes.takeBatch()).extracting(entry -> entry.key).containsExactly("a", "b");
        assertThat(writes.pending()).isZero();
    }

    @Test
    void shouldWriteTheLaterOfTwoWritesOfAKeyWhenWriteOnly() {
        final WriteBehind<String> blind = WriteBehind.writeOnly(store, Comparator.naturalOrder(), 10);
        blind.put("b", bytes("1"));
        blind.put("a", bytes("1"));
        blind.put("b", bytes("2"));
        blind.put("a", bytes("2"));
        blind.delete("a");

        assertThat(blind.takeBatch()).extracting(entry -> entry.key + "=" + (entry.value == null ? "-" : new String(entry.value,
                StandardCharsets.UTF_8))).containsExactly("a=1", "a=2", "a=-", "b=1", "b=2");
    }

    @Test
    void shouldWriteByteKeysUnsignedAndTheLaterOfTwoWritesOfAKeyLater() {
        final KeyValueStore<Bytes, byte[]> bytesStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-back-bytes"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();
        final WriteBehind<Bytes> blind = WriteBehind.writeOnly(bytesStore, 10);
        final Bytes high = Bytes.wrap(new byte[] {(byte) 0x90});
        final Bytes low = Bytes.wrap(new byte[] {0x10});
        blind.put(high, bytes("1"));
        blind.put(low, bytes("1"));
        blind.delete(high);

        assertThat(blind.takeBatch()).extracting(entry -> entry.key.get()[0] + "=" + (entry.value == null ? "-"
                : new String(entry.value, StandardCharsets.UTF_8))).containsExactly("16=1", "-112=1", "-112=-");
    }

    @Test
    void shouldRefuseToHoldBackMoreByteKeysThanOneSortTakes() {
        final KeyValueStore<Bytes, byte[]> bytesStore = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("held-back-bytes"),
                Serdes.Bytes(), Serdes.ByteArray()).withLoggingDisabled().build();

        assertThatThrownBy(() -> WriteBehind.writeOnly(bytesStore, ByteKeySort.MAX_KEYS + 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pending keys");
    }

    @Test
    void shouldWritePendingWritesBeforeAReadWhenWriteOnly() {
        final WriteBehind<String> blind = WriteBehind.writeOnly(store, Comparator.naturalOrder(), 10);
        blind.put("a", bytes("1"));
        blind.put("a", bytes("2"));

        assertThat(blind.get("a")).isEqualTo(bytes("2"));
        assertThat(blind.pending()).isZero();
        assertThat(store.get("a")).isEqualTo(bytes("2"));
    }

    @Test
    void shouldWriteOnceTooManyKeysWait() {
        writes.put("a", bytes("1"));
        writes.put("b", bytes("2"));
        writes.put("c", bytes("3"));

        assertThat(writes.pending()).isZero();
        assertThat(store.approximateNumEntries()).isEqualTo(3);
    }
}
