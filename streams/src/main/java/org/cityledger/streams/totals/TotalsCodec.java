package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;

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
        final BinaryWriter out = new BinaryWriter(96).writeByte(FORMAT_VERSION);
        write(out, totals.signing());
        write(out, totals.groundbreaking());
        write(out, totals.funding());
        return out.toByteArray();
    }

    public static Totals fromBytes(final byte[] data) {
        final BinaryReader in = new BinaryReader(data);
        in.expectVersion(FORMAT_VERSION, "totals");
        return new Totals(read(in), read(in), read(in));
    }

    private static void write(final BinaryWriter out, final KindTotals kind) {
        out.writeLong(kind.count());
        writeSums(out, kind.amounts());
        writeSums(out, kind.extra());
    }

    private static void writeSums(final BinaryWriter out, final Map<String, BigDecimal> sums) {
        if (sums.size() > 0xFFFF) {
            throw new IllegalStateException("a slice of " + sums.size() + " sums is more than its binary form counts");
        }
        out.writeShort(sums.size());
        for (final Map.Entry<String, BigDecimal> entry : sums.entrySet()) {
            out.writeUtf(entry.getKey()).writeDecimal(entry.getValue());
        }
    }

    private static KindTotals read(final BinaryReader in) {
        final long count = in.readLong();
        return new KindTotals(count, readSums(in), readSums(in));
    }

    private static Map<String, BigDecimal> readSums(final BinaryReader in) {
        // written with writeShort: unsigned, so that more than 32,767 currencies or keys would still read
        final int size = in.readShort() & 0xFFFF;
        final Map<String, BigDecimal> sums = new HashMap<>(size * 2);
        for (int i = 0; i < size; i++) {
            sums.put(in.readUtf(), in.readDecimal());
        }
        return sums;
    }
}
