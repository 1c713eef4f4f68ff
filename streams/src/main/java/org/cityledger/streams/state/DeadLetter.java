package org.cityledger.streams.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

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
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + (value == null ? 0 : value.length));
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeLong(rejectedAt);
            out.writeUTF(reason);
            writeNullable(out, eventId);
            out.writeUTF(topic);
            out.writeInt(partition);
            out.writeLong(offset);
            writeNullable(out, key);
            out.writeInt(value == null ? -1 : value.length);
            if (value != null) {
                out.write(value);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DeadLetter fromBytes(final byte[] data) {
        try {
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            final byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException("unknown dead-letter format version " + version);
            }
            final long rejectedAt = in.readLong();
            final String reason = in.readUTF();
            final String eventId = readNullable(in);
            final String topic = in.readUTF();
            final int partition = in.readInt();
            final long offset = in.readLong();
            final String key = readNullable(in);
            final int length = in.readInt();
            byte[] value = null;
            if (length >= 0) {
                value = new byte[length];
                in.readFully(value);
            }
            return new DeadLetter(rejectedAt, reason, eventId, topic, partition, offset, key, value);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeNullable(final DataOutputStream out, final String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    private static String readNullable(final DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }
}
