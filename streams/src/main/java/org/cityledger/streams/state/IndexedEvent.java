package org.cityledger.streams.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.cityledger.streams.totals.Contribution;

/**
 * What the ledger remembers of every counted event, keyed by event id in the event index: a hash
 * of its content (to tell a re-delivery from a conflicting re-use of the id), when it occurred and
 * what it contributed (so a correction can take exactly that back out, from the right period), and
 * whether a later event has corrected it; and the input offset that counted it, which a re-delivery's
 * history names and which keys its counted fact ({@link AuditIndex#factKey}). Compact on purpose: one entry per event within the horizon.
 */
public record IndexedEvent(byte[] contentHash, long occurredAt, long countedAt, Contribution contribution,
                           String correctedBy) {

    private static final byte FORMAT_VERSION = 2;

    public boolean isCorrected() {
        return correctedBy != null;
    }

    public IndexedEvent correctedBy(final String eventId) {
        return new IndexedEvent(contentHash, occurredAt, countedAt, contribution, eventId);
    }

    public boolean sameContent(final byte[] otherHash) {
        return Arrays.equals(contentHash, otherHash);
    }

    public byte[] toBytes() {
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(80);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            out.writeByte(contentHash.length);
            out.write(contentHash);
            out.writeLong(occurredAt);
            out.writeLong(countedAt);
            contribution.write(out);
            out.writeBoolean(correctedBy != null);
            if (correctedBy != null) {
                out.writeUTF(correctedBy);
            }
            out.flush();
            return bytes.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static IndexedEvent fromBytes(final byte[] data) {
        try {
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            final byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException("unknown event index format version " + version);
            }
            final byte[] hash = new byte[in.readUnsignedByte()];
            in.readFully(hash);
            final long occurredAt = in.readLong();
            final long countedAt = in.readLong();
            final Contribution contribution = Contribution.read(in);
            final String correctedBy = in.readBoolean() ? in.readUTF() : null;
            return new IndexedEvent(hash, occurredAt, countedAt, contribution, correctedBy);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
