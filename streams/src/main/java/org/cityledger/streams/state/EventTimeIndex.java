package org.cityledger.streams.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.utils.Bytes;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.TotalsKey;

/**
 * Layout of the event-time index: every counted event by its 30-day history period of
 * {@code occurredAt}, so that as-of totals can be exact inside a period and events past the
 * ledger's horizon can be forgotten a period at a time.
 *
 * <p>Key: the period (8 bytes, big-endian) then the input offset that counted the event (8 bytes,
 * big-endian). Within a period keys grow with the offset, so new entries land at the end of the
 * period's range: a RocksDB memtable inserts such keys far more cheaply than keys ordered by
 * {@code occurredAt}, which arrive in no order (the profile showed those inserts at a sixth of the
 * stream thread). Value: occurredAt, the offset that counted the event, the offset that corrected
 * it (-1 if none), the event id and its contribution. The offsets let a reader skip what the
 * current transaction wrote and has not committed yet.
 *
 * <p>The index has no changelog: everything in it is also in the event index, so a task that
 * starts with an empty index and a non-empty event index rebuilds it from there
 * ({@link EventIndex#load}). That halves what the ledger writes to Kafka per event.
 */
public final class EventTimeIndex {

    private static final byte FORMAT_VERSION = 2;

    private EventTimeIndex() {
    }

    /** {@code removedAt} of an event no correction has replaced. */
    public static final long NOT_REMOVED = -1;
    /** {@code removedAt} of entries rebuilt from the event index: corrected, long committed. */
    public static final long BEFORE_ANY_OFFSET = Long.MIN_VALUE;

    /** One index entry. */
    public record Entry(long occurredAt, long addedAt, long removedAt, String eventId, Contribution contribution) {

        /** Counted as of the committed input offset {@code committed}. */
        public boolean countsAt(final long committed) {
            return addedAt <= committed && (removedAt == NOT_REMOVED || removedAt > committed);
        }

        public boolean isRemoved() {
            return removedAt != NOT_REMOVED;
        }

        public Entry removedAt(final long offset) {
            return new Entry(occurredAt, addedAt, offset, eventId, contribution);
        }

        public Bytes key() {
            return EventTimeIndex.key(TotalsKey.period(occurredAt), addedAt);
        }
    }

    public static Bytes key(final long period, final long offset) {
        return Bytes.wrap(ByteBuffer.allocate(16).putLong(period).putLong(offset).array());
    }

    /** The smallest key of {@code period}: range bounds. */
    public static Bytes periodBound(final long period) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(period).array());
    }

    public static byte[] value(final Entry entry) {
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeLong(entry.occurredAt());
            out.writeLong(entry.addedAt());
            out.writeLong(entry.removedAt());
            out.writeUTF(entry.eventId());
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
            final long occurredAt = in.readLong();
            final long added = in.readLong();
            final long removed = in.readLong();
            final String eventId = in.readUTF();
            return new Entry(occurredAt, added, removed, eventId, Contribution.read(in));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
