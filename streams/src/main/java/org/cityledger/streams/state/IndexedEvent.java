package org.cityledger.streams.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.DecimalCodec;

/**
 * What the ledger remembers of every counted event, keyed by event id in the event index: a hash
 * of its content (to tell a re-delivery from a conflicting re-use of the id), what it contributed
 * (so a correction can take exactly that back out), and whether a later event has corrected it.
 * Compact on purpose: the index holds one entry per event ever counted.
 */
public record IndexedEvent(byte[] contentHash, Contribution contribution, String correctedBy) {

    private static final byte FORMAT_VERSION = 1;

    public boolean isCorrected() {
        return correctedBy != null;
    }

    public IndexedEvent correctedBy(final String eventId) {
        return new IndexedEvent(contentHash, contribution, eventId);
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
            out.writeByte(contribution.kind().ordinal());
            out.writeUTF(contribution.district());
            out.writeUTF(contribution.sector());
            out.writeUTF(contribution.currency());
            DecimalCodec.write(out, contribution.amount());
            out.writeBoolean(contribution.extra() != null);
            if (contribution.extra() != null) {
                DecimalCodec.write(out, contribution.extra());
            }
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
            final EventKind kind = EventKind.values()[in.readUnsignedByte()];
            final String district = in.readUTF();
            final String sector = in.readUTF();
            final String currency = in.readUTF();
            final BigDecimal amount = DecimalCodec.read(in);
            final BigDecimal extra = in.readBoolean() ? DecimalCodec.read(in) : null;
            final String correctedBy = in.readBoolean() ? in.readUTF() : null;
            return new IndexedEvent(hash, new Contribution(kind, district, sector, currency, amount, extra), correctedBy);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }


}
