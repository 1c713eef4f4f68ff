package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;

/**
 * Puts a batch of byte keys in RocksDB's order (unsigned bytes, a shorter key before its
 * extensions), stably: equal keys keep the order they were written in, so the later write of a key
 * is written later and wins.
 *
 * <p>Written here rather than as {@code List.sort} with {@code Arrays.compareUnsigned}: that sort
 * was 11 % of the stream thread in the 2 M replay's profile (BENCHMARKS.md, fourth sitting), each
 * of its 14 or so comparisons per key chasing two keys through their {@link Bytes} and arrays. The
 * audit index's keys share long prefixes (the kind, then a cell's district and sector, or a
 * project's id), so this is a most-significant-digit sort: a range of keys first skips what all of
 * them share, then is sorted as primitive {@code long}s on its next five bytes, each packed with its
 * position, and every run of keys still equal on those bytes is sorted the same way from there.
 * {@code IndexBatchBenchmark} measures the two on the audit index's batches.
 */
public final class ByteKeySort {

    /** The most keys one sort takes: a key's position is packed into 16 bits. */
    public static final int MAX_KEYS = 1 << 16;
    /** Key bytes per digit: 40 bits of bytes, 3 of how many were there, 16 of position, in a positive long. */
    private static final int DIGIT_BYTES = 5;
    private static final int POSITION_BITS = 16;
    private static final long POSITION_MASK = (1L << POSITION_BITS) - 1;
    /** Ranges this short are sorted by insertion, comparing whole keys: fewer steps than packing them. */
    private static final int INSERTION_BELOW = 12;

    private ByteKeySort() {
    }

    /**
     * The order of {@code keys}: element {@code i} is the position of the {@code i}-th key in
     * RocksDB's order, and equal keys appear in ascending position.
     */
    public static int[] order(final byte[][] keys) {
        if (keys.length > MAX_KEYS) {
            throw new IllegalArgumentException(keys.length + " keys in one sort, more than " + MAX_KEYS);
        }
        final int[] order = new int[keys.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        final long[] packed = new long[keys.length];
        // ranges still to sort, each as (from, to, depth): a stack of our own, as runs may nest as deep as keys are long
        int[] pending = new int[48];
        int top = 0;
        pending[top++] = 0;
        pending[top++] = keys.length;
        pending[top++] = 0;
        while (top > 0) {
            final int depth = pending[--top];
            final int to = pending[--top];
            final int from = pending[--top];
            if (to - from < INSERTION_BELOW) {
                insertionSort(keys, order, from, to, depth);
                continue;
            }
            final int at = depth + sharedPrefix(keys, order, from, to, depth);
            for (int i = from; i < to; i++) {
                packed[i] = digit(keys[order[i]], at) << POSITION_BITS | order[i];
            }
            // positions are distinct, so no two longs are equal and the positions settle ties: a stable order
            Arrays.sort(packed, from, to);
            int run = from;
            for (int i = from; i < to; i++) {
                order[i] = (int) (packed[i] & POSITION_MASK);
                if (i + 1 == to || packed[i + 1] >>> POSITION_BITS != packed[i] >>> POSITION_BITS) {
                    // a run of keys equal on this digit continues to the next only if none of them ended in it
                    if (i > run && (packed[i] >>> POSITION_BITS & 0x7) == DIGIT_BYTES) {
                        if (top + 3 > pending.length) {
                            pending = Arrays.copyOf(pending, pending.length * 2);
                        }
                        pending[top++] = run;
                        pending[top++] = i + 1;
                        pending[top++] = at + DIGIT_BYTES;
                    }
                    run = i + 1;
                }
            }
        }
        return order;
    }

    /** {@code batch} in RocksDB's key order, stably; takes the list's entries, not the list. */
    public static List<KeyValue<Bytes, byte[]>> sorted(final List<KeyValue<Bytes, byte[]>> batch) {
        final byte[][] keys = new byte[batch.size()][];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = batch.get(i).key.get();
        }
        final int[] order = order(keys);
        final List<KeyValue<Bytes, byte[]>> sorted = new ArrayList<>(order.length);
        for (final int position : order) {
            sorted.add(batch.get(position));
        }
        return sorted;
    }

    /**
     * Five bytes of {@code key} from {@code at}, zeros past its end, then how many it had there: a key
     * that ends sorts before one that goes on with a zero byte.
     */
    private static long digit(final byte[] key, final int at) {
        final int present = Math.max(0, Math.min(DIGIT_BYTES, key.length - at));
        long digit = 0;
        for (int i = 0; i < DIGIT_BYTES; i++) {
            digit = digit << 8 | (i < present ? key[at + i] & 0xFF : 0);
        }
        return digit << 3 | present;
    }

    /** How many bytes from {@code depth} every key of the range shares (none run out before this). */
    private static int sharedPrefix(final byte[][] keys, final int[] order, final int from, final int to, final int depth) {
        final byte[] first = keys[order[from]];
        int shared = Math.max(0, first.length - depth);
        for (int i = from + 1; i < to && shared > 0; i++) {
            final byte[] other = keys[order[i]];
            final int end = Math.min(other.length, depth + shared);
            if (end <= depth) {
                return 0;
            }
            final int differs = Arrays.mismatch(first, depth, depth + shared, other, depth, end);
            if (differs >= 0) {
                shared = differs;
            }
        }
        return shared;
    }

    /** Stable: a key moves left only past keys greater than it. */
    private static void insertionSort(final byte[][] keys, final int[] order, final int from, final int to, final int depth) {
        for (int i = from + 1; i < to; i++) {
            final int moving = order[i];
            final byte[] key = keys[moving];
            int j = i - 1;
            while (j >= from && compareFrom(keys[order[j]], key, depth) > 0) {
                order[j + 1] = order[j];
                j--;
            }
            order[j + 1] = moving;
        }
    }

    /** Compares two keys that are equal before {@code depth}. */
    private static int compareFrom(final byte[] a, final byte[] b, final int depth) {
        return Arrays.compareUnsigned(a, Math.min(depth, a.length), a.length, b, Math.min(depth, b.length), b.length);
    }
}
