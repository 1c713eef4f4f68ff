package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;
import org.cityledger.streams.totals.Contribution;

/**
 * A counted event as the events behind a total list it: what it contributed, where it occurred,
 * and where it sits in the log; plus the offset that removed it, for a corrected one. The same
 * entry, in the partition's timeline ({@link AuditIndex#timelineKey}), is what as-of totals add
 * within a period, what the per-period history is rebuilt from, and what forgetting past the
 * horizon walks: the offsets let a reader skip what the current transaction wrote and has not
 * committed yet.
 *
 * @param eventId      the event id
 * @param project      its project
 * @param occurredAt   when it occurred (epoch ms)
 * @param contribution what it adds (kind, district, sector, amounts)
 * @param partition    its partition of the events topic (not stored: the partition answering knows it)
 * @param addedAt      the input offset that counted it
 * @param removedAt    the input offset of the correction that replaced it; {@link #NOT_REMOVED} if none
 */
public record SliceEvent(String eventId, String project, long occurredAt, Contribution contribution, int partition,
                         long addedAt, long removedAt) {

    /** {@code removedAt} of an event no correction has replaced. */
    public static final long NOT_REMOVED = -1;

    private static final byte FORMAT_VERSION = 1;

    /** Counted as of the committed input offset {@code committed}. */
    public boolean countsAt(final long committed) {
        return addedAt <= committed && (removedAt == NOT_REMOVED || removedAt > committed);
    }

    public boolean isRemoved() {
        return removedAt != NOT_REMOVED;
    }

    public SliceEvent removedAt(final long offset) {
        return new SliceEvent(eventId, project, occurredAt, contribution, partition, addedAt, offset);
    }

    public SliceEvent inPartition(final int value) {
        return new SliceEvent(eventId, project, occurredAt, contribution, value, addedAt, removedAt);
    }

    public byte[] toBytes() {
        final BinaryWriter out = new BinaryWriter(112).writeByte(FORMAT_VERSION).writeUtf(eventId).writeUtf(project)
                .writeLong(occurredAt);
        contribution.write(out);
        return out.writeLong(addedAt).writeLong(removedAt).toByteArray();
    }

    /**
     * Whether the encoded event counts as of {@code committed}, read from the value's last 16 bytes
     * without decoding it: a page skips what it does not list before paying for the rest.
     */
    public static boolean countsAt(final byte[] data, final long committed) {
        requireVersion(data);
        final ByteBuffer tail = ByteBuffer.wrap(data);
        final long added = tail.getLong(data.length - 2 * Long.BYTES);
        final long removed = tail.getLong(data.length - Long.BYTES);
        return added <= committed && (removed == NOT_REMOVED || removed > committed);
    }

    /** The encoded event's kind, read without decoding the rest (after the two ids and occurredAt). */
    public static EventKind kindOf(final byte[] data) {
        requireVersion(data);
        int at = 1;
        at += 2 + ((data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF));
        at += 2 + ((data[at] & 0xFF) << 8 | (data[at + 1] & 0xFF));
        at += Long.BYTES;
        return EventKind.values()[data[at] & 0xFF];
    }

    private static void requireVersion(final byte[] data) {
        if (data.length == 0 || data[0] != FORMAT_VERSION) {
            throw new IllegalStateException("unknown slice event format version " + (data.length == 0 ? "(empty)" : data[0]));
        }
    }

    public static SliceEvent fromBytes(final byte[] data) {
        requireVersion(data);
        final BinaryReader in = new BinaryReader(data);
        in.readByte();
        final String eventId = in.readUtf();
        final String project = in.readUtf();
        final long occurredAt = in.readLong();
        final Contribution contribution = Contribution.read(in);
        return new SliceEvent(eventId, project, occurredAt, contribution, -1, in.readLong(), in.readLong());
    }
}
