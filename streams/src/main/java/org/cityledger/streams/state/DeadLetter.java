package org.cityledger.streams.state;

import java.util.Locale;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;

/**
 * A record the ledger refused: why, when, where it came from, and its original bytes.
 *
 * @param eventId the event id if the bytes could be read far enough to tell, else null
 * @param key     the original record key, or null
 * @param value   the original record value, byte for byte
 */
public record DeadLetter(long rejectedAt, String reason, String eventId, String topic, int partition, long offset,
                         String key, byte[] value) {

    private static final byte FORMAT_VERSION = 1;

    /** Sort key: newest last in natural order, so readers walk it descending. Unique per source record. */
    public String sortKey() {
        return String.format(Locale.ROOT, "%013d|%05d|%019d", rejectedAt, partition, offset);
    }

    public byte[] toBytes() {
        final BinaryWriter out = new BinaryWriter(128 + (value == null ? 0 : value.length)).writeByte(FORMAT_VERSION)
                .writeLong(rejectedAt).writeUtf(reason).writeNullableUtf(eventId).writeUtf(topic).writeInt(partition)
                .writeLong(offset).writeNullableUtf(key).writeInt(value == null ? -1 : value.length);
        return (value == null ? out : out.writeBytes(value)).toByteArray();
    }

    public static DeadLetter fromBytes(final byte[] data) {
        final BinaryReader in = new BinaryReader(data);
        in.expectVersion(FORMAT_VERSION, "dead-letter");
        final long rejectedAt = in.readLong();
        final String reason = in.readUtf();
        final String eventId = in.readNullableUtf();
        final String topic = in.readUtf();
        final int partition = in.readInt();
        final long offset = in.readLong();
        final String key = in.readNullableUtf();
        final int length = in.readInt();
        final byte[] value = length >= 0 ? in.readBytes(length) : null;
        return new DeadLetter(rejectedAt, reason, eventId, topic, partition, offset, key, value);
    }
}
