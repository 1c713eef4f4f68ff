package org.cityledger.streams.state;

import org.cityledger.domain.EventKind;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;
import org.cityledger.streams.totals.Contribution;

/**
 * What the ledger decided about one record of a project, at its input offset: the auditors' and
 * offices' "did it count?". Kept per project in order of arrival ({@link EventIndex}).
 *
 * @param offset      the record's input offset in its partition
 * @param arrivedAt   the record's timestamp: when the broker appended it (epoch ms)
 * @param eventId     the event id, null when the bytes could not be read far enough
 * @param kind        the event kind, null when unreadable
 * @param occurredAt  when the event occurred (epoch ms), {@link #UNKNOWN} when unreadable
 * @param verdict     what the ledger decided
 * @param reason      why it was refused (the dead letter's reason), else null
 * @param corrects    the event a counted correction replaced, else null
 * @param countedAt   for a duplicate, the input offset that counted the original; else -1
 * @param source      the channel that published it (e.g. {@code office:kunshan}), may be null
 * @param contribution what a counted event added to the totals, else null
 * @param projectName the project's name as this record gave it, may be null
 * @param company     the company as this record gave it, may be null
 */
public record ProjectFact(long offset, long arrivedAt, String eventId, EventKind kind, long occurredAt, Verdict verdict,
                          String reason, String corrects, long countedAt, String source, Contribution contribution,
                          String projectName, String company) {

    public static final long UNKNOWN = Long.MIN_VALUE;
    private static final byte FORMAT_VERSION = 1;

    /** The ledger's decision about one record. */
    public enum Verdict {
        /** It counted (a new event, or a correction replacing {@code corrects}). */
        COUNTED,
        /** A re-delivery of an event counted before, with the same content: ignored. */
        DUPLICATE,
        /** It could not count; the dead-letter topic holds it with {@code reason}. */
        REFUSED
    }

    public byte[] toBytes() {
        final BinaryWriter out = new BinaryWriter(192).writeByte(FORMAT_VERSION).writeLong(offset).writeLong(arrivedAt)
                .writeNullableUtf(eventId).writeByte(kind == null ? -1 : kind.ordinal()).writeLong(occurredAt)
                .writeByte(verdict.ordinal()).writeNullableUtf(reason).writeNullableUtf(corrects).writeLong(countedAt)
                .writeNullableUtf(source).writeBoolean(contribution != null);
        if (contribution != null) {
            contribution.write(out);
        }
        return out.writeNullableUtf(projectName).writeNullableUtf(company).toByteArray();
    }

    public static ProjectFact fromBytes(final byte[] data) {
        final BinaryReader in = new BinaryReader(data);
        in.expectVersion(FORMAT_VERSION, "project fact");
        final long offset = in.readLong();
        final long arrivedAt = in.readLong();
        final String eventId = in.readNullableUtf();
        final byte kind = in.readByte();
        final long occurredAt = in.readLong();
        final Verdict verdict = Verdict.values()[in.readUnsignedByte()];
        final String reason = in.readNullableUtf();
        final String corrects = in.readNullableUtf();
        final long countedAt = in.readLong();
        final String source = in.readNullableUtf();
        final Contribution contribution = in.readBoolean() ? Contribution.read(in) : null;
        final String projectName = in.readNullableUtf();
        final String company = in.readNullableUtf();
        return new ProjectFact(offset, arrivedAt, eventId, kind < 0 ? null : EventKind.values()[kind], occurredAt, verdict,
                reason, corrects, countedAt, source, contribution, projectName, company);
    }
}
