package org.cityledger.streams.state;

import java.util.Arrays;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;
import org.cityledger.streams.totals.Contribution;

/**
 * What the ledger remembers of every counted event, keyed by event id in the event index: a hash
 * of its content (to tell a re-delivery from a conflicting re-use of the id), when it occurred and
 * what it contributed (so a correction can take exactly that back out, from the right period), and
 * whether a later event has corrected it; and the project and input offset that counted it, which a re-delivery's
 * history names and which key its counted fact ({@link AuditIndex#factKey}) and its entries in the
 * audit index, so that a correction rewrites those entries without reading them. Compact on purpose:
 * one entry per event within the horizon.
 *
 * @param project the project of the record that counted it (its key): the index is kept per partition,
 *                and a partition holds many projects
 */
public record IndexedEvent(byte[] contentHash, String project, long occurredAt, long countedAt, Contribution contribution,
                           String correctedBy) {

    /** 3 added the project. */
    private static final byte FORMAT_VERSION = 3;

    public boolean isCorrected() {
        return correctedBy != null;
    }

    public IndexedEvent correctedBy(final String eventId) {
        return new IndexedEvent(contentHash, project, occurredAt, countedAt, contribution, eventId);
    }

    public boolean sameContent(final byte[] otherHash) {
        return Arrays.equals(contentHash, otherHash);
    }

    public byte[] toBytes() {
        final BinaryWriter out = new BinaryWriter(96).writeByte(FORMAT_VERSION).writeByte(contentHash.length).writeBytes(contentHash)
                .writeUtf(project).writeLong(occurredAt).writeLong(countedAt);
        contribution.write(out);
        return out.writeNullableUtf(correctedBy).toByteArray();
    }

    public static IndexedEvent fromBytes(final byte[] data) {
        final BinaryReader in = new BinaryReader(data);
        in.expectVersion(FORMAT_VERSION, "event index");
        final byte[] hash = in.readBytes(in.readUnsignedByte());
        final String project = in.readUtf();
        final long occurredAt = in.readLong();
        final long countedAt = in.readLong();
        final Contribution contribution = Contribution.read(in);
        final String correctedBy = in.readNullableUtf();
        return new IndexedEvent(hash, project, occurredAt, countedAt, contribution, correctedBy);
    }
}
