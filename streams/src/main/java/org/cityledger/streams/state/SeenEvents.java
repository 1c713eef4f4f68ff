package org.cityledger.streams.state;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The event ids the event index may hold, as Bloom filters in memory: nearly every event is new,
 * and answering "not seen" here spares a RocksDB lookup that misses (the profile put those at a
 * seventh of the stream thread, most of it in the C++ exception RocksDB's Java binding throws for
 * a missing key). "Maybe seen" still asks the index, so a false positive (about 1%) costs one
 * lookup and never a wrong answer.
 *
 * <p>Filters are added as the index grows, each twice the size of the last, so nothing is ever
 * rebuilt while the ledger runs. Ids forgotten past the horizon stay in the filters until the task
 * next opens; they only make false positives a little likelier. About 1.2 bytes per event, up to a
 * bound ({@code --dedupe-filter-memory}): past it no filter is added and the last one takes every
 * further id, so its false positives grow (more index lookups), never its false negatives.
 */
public final class SeenEvents {

    private static final int MIN_CAPACITY = 1 << 16;
    private static final int BITS_PER_ENTRY = 10;
    private static final int HASHES = 7;

    private final List<Filter> filters = new ArrayList<>();
    private final long maxBytes;
    private long bytes;

    private SeenEvents(final long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The filters over every id in the event index (a scan of its keys, when the task opens), in at most {@code maxBytes}. */
    static SeenEvents of(final KeyValueStore<Bytes, byte[]> index, final long maxBytes) {
        // RocksDB's estimate sizes the first filter; should it be low, add() grows the set
        final SeenEvents seen = withCapacity(2 * Math.max(0, index.approximateNumEntries()), maxBytes);
        try (KeyValueIterator<Bytes, byte[]> all = index.all()) {
            while (all.hasNext()) {
                final KeyValue<Bytes, byte[]> entry = all.next();
                seen.add(new String(entry.key.get(), StandardCharsets.UTF_8));
            }
        }
        return seen;
    }

    /** As {@link #withCapacity(long, long)} without a bound on memory. */
    static SeenEvents withCapacity(final long capacity) {
        return withCapacity(capacity, Long.MAX_VALUE);
    }

    /**
     * An empty set whose first filter holds {@code capacity} ids (at least 65,536, at most what
     * {@code maxBytes} allows) at about 1% false positives.
     */
    static SeenEvents withCapacity(final long capacity, final long maxBytes) {
        final SeenEvents seen = new SeenEvents(maxBytes);
        final long affordable = Math.max(MIN_CAPACITY, maxBytes * 8 / BITS_PER_ENTRY);
        seen.addFilter(Math.min(Math.max(MIN_CAPACITY, capacity), affordable));
        return seen;
    }

    void add(final String eventId) {
        Filter current = filters.get(filters.size() - 1);
        if (current.added >= current.capacity && bytes + Filter.bytes(current.capacity * 2) <= maxBytes) {
            current = addFilter(current.capacity * 2);
        }
        current.add(hash(eventId));
    }

    /** Heap held by the filters. */
    long bytes() {
        return bytes;
    }

    private Filter addFilter(final long capacity) {
        final Filter filter = new Filter(capacity);
        filters.add(filter);
        bytes += Filter.bytes(capacity);
        return filter;
    }

    /** False: the index certainly does not hold the id. True: it may. */
    boolean mightContain(final String eventId) {
        final long hash = hash(eventId);
        for (final Filter filter : filters) {
            if (filter.mightContain(hash)) {
                return true;
            }
        }
        return false;
    }

    /** 64-bit FNV-1a over the id's chars, then MurmurHash3's finaliser to spread the bits. */
    static long hash(final String eventId) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < eventId.length(); i++) {
            h ^= eventId.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static final class Filter {
        final long capacity;
        final long bitCount;
        final long[] words;
        long added;

        Filter(final long capacity) {
            this.capacity = capacity;
            this.words = new long[words(capacity)];
            this.bitCount = (long) words.length * 64;
        }

        static int words(final long capacity) {
            return (int) Math.min(Integer.MAX_VALUE - 8, (capacity * BITS_PER_ENTRY + 63) / 64);
        }

        static long bytes(final long capacity) {
            return (long) words(capacity) * Long.BYTES;
        }

        void add(final long hash) {
            final int h1 = (int) hash;
            final int h2 = (int) (hash >>> 32);
            for (int i = 1; i <= HASHES; i++) {
                final long bit = ((h1 + (long) i * h2) & Long.MAX_VALUE) % bitCount;
                words[(int) (bit >>> 6)] |= 1L << bit;
            }
            added++;
        }

        boolean mightContain(final long hash) {
            final int h1 = (int) hash;
            final int h2 = (int) (hash >>> 32);
            for (int i = 1; i <= HASHES; i++) {
                final long bit = ((h1 + (long) i * h2) & Long.MAX_VALUE) % bitCount;
                if ((words[(int) (bit >>> 6)] & (1L << bit)) == 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
