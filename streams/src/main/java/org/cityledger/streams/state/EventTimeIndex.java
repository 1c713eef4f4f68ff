package org.cityledger.streams.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cityledger.streams.totals.Contribution;

/**
 * Layout of the event-time index: every counted event by {@code occurredAt}, so that as-of totals
 * can be exact inside a day and events past the ledger's horizon can be forgotten in time order.
 *
 * <p>Key: occurredAt (8 bytes, big-endian, so keys sort by time) then the event id (UTF-8).
 * Value: the input offset that counted the event, the offset that corrected it (-1 if none), and
 * its contribution. The offsets let a reader skip what the current transaction wrote and has not
 * committed yet.
 *
 * <p>The index has no changelog: everything in it is also in the event index, so a task that
 * starts with an empty index and a non-empty event index rebuilds it from there
 * ({@link #rebuild}). That halves what the ledger writes to Kafka per event.
 */
public final class EventTimeIndex {

    private static final byte FORMAT_VERSION = 1;

    private EventTimeIndex() {
    }

    /** {@code removedAt} of an event no correction has replaced. */
    public static final long NOT_REMOVED = -1;
    /** {@code addedAt}/{@code removedAt} of entries rebuilt from the event index: long committed. */
    public static final long BEFORE_ANY_OFFSET = Long.MIN_VALUE;

    /** One index entry. */
    public record Entry(long addedAt, long removedAt, Contribution contribution) {

        /** Counted as of the committed input offset {@code committed}. */
        public boolean countsAt(final long committed) {
            return addedAt <= committed && (removedAt == NOT_REMOVED || removedAt > committed);
        }

        public boolean isRemoved() {
            return removedAt != NOT_REMOVED;
        }

        public Entry removedAt(final long offset) {
            return new Entry(addedAt, offset, contribution);
        }
    }

    /**
     * Fills an empty index from the event index (after a restore, a crash, or a move to another
     * instance). Everything in the event index is committed.
     *
     * @return the number of events indexed
     */
    public static long rebuild(final KeyValueStore<String, byte[]> events, final KeyValueStore<Bytes, byte[]> index) {
        try (KeyValueIterator<Bytes, byte[]> existing = index.all()) {
            if (existing.hasNext()) {
                return 0;
            }
        }
        long indexed = 0;
        try (KeyValueIterator<String, byte[]> all = events.all()) {
            while (all.hasNext()) {
                final KeyValue<String, byte[]> entry = all.next();
                final IndexedEvent event = IndexedEvent.fromBytes(entry.value);
                index.put(key(event.occurredAt(), entry.key), value(new Entry(BEFORE_ANY_OFFSET,
                        event.isCorrected() ? BEFORE_ANY_OFFSET : NOT_REMOVED, event.contribution())));
                indexed++;
            }
        }
        return indexed;
    }

    public static Bytes key(final long occurredAtMillis, final String eventId) {
        final byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(8 + id.length).putLong(occurredAtMillis).put(id).array());
    }

    /** The smallest key at {@code millis}: range bounds. */
    public static Bytes timeBound(final long millis) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(millis).array());
    }

    public static long occurredAt(final Bytes key) {
        return ByteBuffer.wrap(key.get()).getLong();
    }

    public static String eventId(final Bytes key) {
        final byte[] bytes = key.get();
        return new String(bytes, 8, bytes.length - 8, StandardCharsets.UTF_8);
    }

    public static byte[] value(final Entry entry) {
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeLong(entry.addedAt());
            out.writeLong(entry.removedAt());
            entry.contribution().write(out);
            out.flush();
            return bytes.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Entry entry(final byte[] value) {
        try {
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
            final byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException("unknown event-time index format version " + version);
            }
            final long added = in.readLong();
            final long removed = in.readLong();
            return new Entry(added, removed, Contribution.read(in));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
