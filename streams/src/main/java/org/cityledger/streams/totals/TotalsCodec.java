package org.cityledger.streams.totals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Compact binary form of {@link Totals} for the totals store and its changelog. Internal state,
 * never read outside the ledger, so it trades Avro's evolution machinery for a version byte and
 * exact decimals (unscaled bytes plus scale).
 */
public final class TotalsCodec {

    private static final byte FORMAT_VERSION = 1;

    private TotalsCodec() {
    }

    public static byte[] toBytes(final Totals totals) {
        try {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream(96);
            final DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(FORMAT_VERSION);
            write(out, totals.signing());
            write(out, totals.groundbreaking());
            write(out, totals.funding());
            out.flush();
            return bytes.toByteArray();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Totals fromBytes(final byte[] data) {
        try {
            final DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
            final byte version = in.readByte();
            if (version != FORMAT_VERSION) {
                throw new IllegalStateException("unknown totals format version " + version);
            }
            return new Totals(read(in), read(in), read(in));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(final DataOutputStream out, final KindTotals kind) throws IOException {
        out.writeLong(kind.count());
        writeSums(out, kind.amounts());
        writeSums(out, kind.extra());
    }

    private static void writeSums(final DataOutputStream out, final Map<String, BigDecimal> sums) throws IOException {
        out.writeShort(sums.size());
        for (final Map.Entry<String, BigDecimal> entry : sums.entrySet()) {
            out.writeUTF(entry.getKey());
            DecimalCodec.write(out, entry.getValue());
        }
    }



    private static KindTotals read(final DataInputStream in) throws IOException {
        final long count = in.readLong();
        return new KindTotals(count, readSums(in), readSums(in));
    }

    private static Map<String, BigDecimal> readSums(final DataInputStream in) throws IOException {
        final int size = in.readShort();
        final Map<String, BigDecimal> sums = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            sums.put(in.readUTF(), DecimalCodec.read(in));
        }
        return sums;
    }
}
