package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The dead letters of one partition, newest first, for the API. The dead-letter topic is the
 * record of truth; this store makes it pageable without re-reading the topic, and shows only dead
 * letters whose transaction committed.
 *
 * <p>On disk (RocksDB), not in memory: a publisher sending millions of bad records must not exhaust
 * the heap. The heap holds only the letters of the commit in progress. Nor does the disk grow without
 * bound: the store keeps the newest {@link #DEFAULT_KEPT} letters of its partition (payloads
 * included, about 300 bytes each, so some 30 MB) and deletes the oldest beyond that at each commit;
 * its changelog is compacted, so it shrinks with it. Every letter stays in the dead-letter topic,
 * the record of truth, and the count ({@code total}) counts them all.
 *
 * <p>Readers skip letters whose source offset lies beyond the last committed one: the commit in
 * progress has written them into RocksDB already, and an aborted one leaves them there until Kafka
 * Streams wipes and restores the task. The count travels in the store under {@link #COUNT_KEY}, so
 * that opening a task does not count a million entries.
 */
public final class DeadLetterStore implements CommitParticipant {

    /** Count of dead letters and the last input offset they include. Sorts before every letter's key. */
    static final String COUNT_KEY = "\u0000count";
    /** Letters kept for the API per partition; older ones are in the dead-letter topic only. */
    public static final int DEFAULT_KEPT = 100_000;
    /** Sorts after the store's own keys and before every letter's (they start with a digit). */
    private static final String FIRST_LETTER_KEY = "\u0001";

    private final int kept;

    private final List<DeadLetter> added = new ArrayList<>();
    private long stagedCount;
    private long stagedThrough = -1;
    private long stagedIndexed;
    private long committedIndexed;
    private volatile long committedCount;
    private volatile long committedThrough = -1;

    DeadLetterStore() {
        this(DEFAULT_KEPT);
    }

    DeadLetterStore(final int kept) {
        if (kept < 1) {
            throw new IllegalArgumentException("kept: must be at least 1, got " + kept);
        }
        this.kept = kept;
    }

    public static StoreBuilder<CommitGatedStore<DeadLetterStore>> builder(final String name, final Map<String, String> changelogConfig,
                                                                        final CommitGate gate) {
        return CommitGatedStore.builder(
                Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(changelogConfig),
                DeadLetterStore::new, gate);
    }

    public void add(final DeadLetter letter) {
        added.add(letter);
    }

    @Override
    public void open(final KeyValueStore<String, byte[]> inner) {
        added.clear();
        final byte[] count = inner.get(COUNT_KEY);
        if (count != null) {
            final ByteBuffer value = ByteBuffer.wrap(count);
            stagedCount = value.getLong();
            stagedThrough = value.getLong();
            // a count written before the store was bounded: it kept every letter
            stagedIndexed = value.remaining() >= Long.BYTES ? value.getLong() : stagedCount;
        } else {
            // a changelog written before the count was kept: count once
            stagedCount = 0;
            stagedThrough = Long.MAX_VALUE;
            try (KeyValueIterator<String, byte[]> all = inner.all()) {
                while (all.hasNext()) {
                    all.next();
                    stagedCount++;
                }
            }
            stagedIndexed = stagedCount;
        }
        committedCount = stagedCount;
        committedThrough = stagedThrough;
        committedIndexed = stagedIndexed;
    }

    @Override
    public void stage(final KeyValueStore<String, byte[]> inner, final long throughOffset) {
        if (added.isEmpty()) {
            return;
        }
        for (final DeadLetter letter : added) {
            inner.put(letter.sortKey(), letter.toBytes());
        }
        stagedCount += added.size();
        stagedIndexed += added.size();
        stagedThrough = throughOffset;
        added.clear();
        if (stagedIndexed > kept) {
            stagedIndexed -= forgetOldest(inner, stagedIndexed - kept);
        }
        inner.put(COUNT_KEY, count(stagedCount, stagedThrough, stagedIndexed));
    }

    /** Deletes the {@code excess} oldest letters; keys sort by rejection time, so they come first. */
    private static long forgetOldest(final KeyValueStore<String, byte[]> inner, final long excess) {
        final List<String> oldest = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> ascending = inner.range(FIRST_LETTER_KEY, null)) {
            while (ascending.hasNext() && oldest.size() < excess) {
                oldest.add(ascending.next().key);
            }
        }
        oldest.forEach(inner::delete);
        return oldest.size();
    }

    @Override
    public void publish() {
        committedCount = stagedCount;
        committedThrough = stagedThrough;
        committedIndexed = stagedIndexed;
    }

    @Override
    public void discard() {
        added.clear();
        stagedCount = committedCount;
        stagedThrough = committedThrough;
        stagedIndexed = committedIndexed;
    }

    /** Up to {@code limit} committed dead letters older than {@code before} (null: from the newest), and the count. */
    DeadLetterPage page(final KeyValueStore<String, byte[]> inner, final String before, final int limit, final boolean active) {
        final long through;
        final long total;
        if (active) {
            through = committedThrough;
            total = committedCount;
        } else {
            final byte[] count = inner.get(COUNT_KEY);
            through = Long.MAX_VALUE;
            total = count == null ? 0 : ByteBuffer.wrap(count).getLong();
        }
        final List<DeadLetterPage.Item> items = new ArrayList<>(Math.min(limit, 64));
        try (KeyValueIterator<String, byte[]> newestFirst = inner.reverseRange(null, before)) {
            while (newestFirst.hasNext() && items.size() < limit) {
                final KeyValue<String, byte[]> entry = newestFirst.next();
                if (entry.key.equals(before)) {
                    continue;
                }
                if (entry.key.startsWith("\u0000")) {
                    // the store's own keys sort first: no letters beyond them
                    break;
                }
                final DeadLetter letter = DeadLetter.fromBytes(entry.value);
                if (letter.offset() <= through) {
                    items.add(new DeadLetterPage.Item(entry.key, letter));
                }
            }
        }
        return new DeadLetterPage(total, items);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config,
                                    final KeyValueStore<String, byte[]> inner, final boolean active) {
        if (query instanceof DeadLetterQuery page) {
            final QueryResult<R> answer = (QueryResult<R>) QueryResult.forResult(page(inner, page.before(), page.limit(), active));
            answer.setPosition(Position.emptyPosition());
            return answer;
        }
        return QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE, getClass().getSimpleName() + " does not answer " + query.getClass().getName());
    }

    private static byte[] count(final long count, final long through, final long indexed) {
        return ByteBuffer.allocate(3 * Long.BYTES).putLong(count).putLong(through).putLong(indexed).array();
    }
}
