package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.Test;

class ByteKeySortTest {

    /** What the sort replaces, and so what it must agree with: a stable sort on unsigned bytes. */
    private static int[] reference(final byte[][] keys) {
        final List<Integer> positions = new ArrayList<>();
        for (int i = 0; i < keys.length; i++) {
            positions.add(i);
        }
        positions.sort(Comparator.comparing(i -> keys[i], Arrays::compareUnsigned));
        return positions.stream().mapToInt(Integer::intValue).toArray();
    }

    private static byte[] bytes(final String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[][] keys(final String... texts) {
        return Arrays.stream(texts).map(ByteKeySortTest::bytes).toArray(byte[][]::new);
    }

    @Test
    void shouldPutAShorterKeyBeforeItsExtensions() {
        final byte[][] keys = {bytes("ab\u0000"), bytes("ab"), bytes("a"), {}, bytes("ab\u0001")};

        assertThat(ByteKeySort.order(keys)).containsExactly(3, 2, 1, 0, 4);
    }

    @Test
    void shouldCompareBytesUnsigned() {
        final byte[][] keys = {{(byte) 0xFF}, {0x7F}, {(byte) 0x80}, {0x00}};

        assertThat(ByteKeySort.order(keys)).containsExactly(3, 1, 2, 0);
    }

    @Test
    void shouldKeepEqualKeysInTheOrderWritten() {
        // more than the insertion sort's range, so that the packed sort settles the ties
        final String[] texts = new String[40];
        for (int i = 0; i < texts.length; i++) {
            texts[i] = i % 2 == 0 ? "same-long-prefix-b" : "same-long-prefix-a";
        }

        assertThat(ByteKeySort.order(keys(texts))).containsExactly(reference(keys(texts)));
    }

    @Test
    void shouldAgreeWithAStableComparatorSortOnKeysLikeTheAuditIndexs() {
        for (long seed = 1; seed <= 200; seed++) {
            final Random random = new Random(seed);
            final byte[][] keys = new byte[random.nextInt(3_000)][];
            for (int i = 0; i < keys.length; i++) {
                keys[i] = randomKey(random);
            }

            assertThat(ByteKeySort.order(keys)).as("seed %d", seed).containsExactly(reference(keys));
        }
    }

    /** Long shared prefixes, keys that are prefixes of others, zero and 0xFF bytes, repeats. */
    private static byte[] randomKey(final Random random) {
        final String[] heads = {"", "S\u0000\u0016Suzhou Industrial Park\u0000\u0010integrated-circ", "T\u0080\u0000\u0001\u0083",
            "P\u0000\u0009SZ-000123", "P\u0000\u0009SZ-000124"};
        final byte[] head = bytes(heads[random.nextInt(heads.length)]);
        final byte[] tail = new byte[random.nextInt(12)];
        for (int i = 0; i < tail.length; i++) {
            final int pick = random.nextInt(4);
            tail[i] = pick == 0 ? 0 : pick == 1 ? (byte) 0xFF : (byte) random.nextInt(3);
        }
        final byte[] key = Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, key, head.length, tail.length);
        return key;
    }

    @Test
    void shouldSortABatchAndKeepItsEntries() {
        final List<KeyValue<Bytes, byte[]>> batch = List.of(KeyValue.pair(Bytes.wrap(bytes("b")), bytes("1")),
                KeyValue.pair(Bytes.wrap(bytes("a")), bytes("2")), KeyValue.pair(Bytes.wrap(bytes("b")), null));

        assertThat(ByteKeySort.sorted(batch)).containsExactly(batch.get(1), batch.get(0), batch.get(2));
    }

    @Test
    void shouldRefuseMoreKeysThanAPositionHolds() {
        assertThatThrownBy(() -> ByteKeySort.order(new byte[ByteKeySort.MAX_KEYS + 1][]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65537 keys");
    }
}
