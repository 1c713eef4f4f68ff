package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

class RocksBatchFormatTest {

    static {
        RocksDB.loadLibrary();
    }

    @Test
    void shouldSerializePutsAsRocksDbsOwnBatchDoes() throws RocksDBException {
        final List<KeyValue<Bytes, byte[]>> entries = List.of(entry("a", "1"), entry("b", ""), entry("c", "three"));

        assertThat(RocksBatchFormat.serialize(entries)).isEqualTo(rocksDbs(entries));
    }

    @Test
    void shouldSerializeANullValueAsADelete() throws RocksDBException {
        final List<KeyValue<Bytes, byte[]>> entries = List.of(entry("a", "1"), KeyValue.pair(bytes("b"), null), entry("a", "2"));

        assertThat(RocksBatchFormat.serialize(entries)).isEqualTo(rocksDbs(entries));
    }

    @Test
    void shouldSerializeLengthsOfSeveralVarintBytes() throws RocksDBException {
        // 127 takes one varint byte, 128 two, 16,384 three: the boundaries of the length encoding
        final List<KeyValue<Bytes, byte[]>> entries = new ArrayList<>();
        for (final int length : new int[] {127, 128, 16_383, 16_384, 70_000}) {
            final byte[] key = new byte[length];
            Arrays.fill(key, (byte) 'k');
            final byte[] value = new byte[length + 1];
            Arrays.fill(value, (byte) 0xFF);
            entries.add(KeyValue.pair(Bytes.wrap(key), value));
        }

        assertThat(RocksBatchFormat.serialize(entries)).isEqualTo(rocksDbs(entries));
    }

    @Test
    void shouldSerializeAnEmptyBatchAsItsHeaderAlone() throws RocksDBException {
        assertThat(RocksBatchFormat.serialize(List.of())).isEqualTo(rocksDbs(List.of())).hasSize(12);
    }

    /** The same entries as RocksJava builds them, a call per entry: what the format must equal byte for byte. */
    private static byte[] rocksDbs(final List<KeyValue<Bytes, byte[]>> entries) throws RocksDBException {
        try (WriteBatch batch = new WriteBatch()) {
            for (final KeyValue<Bytes, byte[]> entry : entries) {
                if (entry.value == null) {
                    batch.delete(entry.key.get());
                } else {
                    batch.put(entry.key.get(), entry.value);
                }
            }
            return batch.data();
        }
    }

    private static KeyValue<Bytes, byte[]> entry(final String key, final String value) {
        return KeyValue.pair(bytes(key), value.getBytes(StandardCharsets.UTF_8));
    }

    private static Bytes bytes(final String key) {
        return Bytes.wrap(key.getBytes(StandardCharsets.UTF_8));
    }
}
