package org.cityledger.streams.totals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;

/** Exact binary form of a decimal for internal state: scale, then the unscaled two's-complement bytes. */
public final class DecimalCodec {

    private DecimalCodec() {
    }

    public static void write(final DataOutputStream out, final BigDecimal value) throws IOException {
        final byte[] unscaled = value.unscaledValue().toByteArray();
        out.writeShort(value.scale());
        out.writeByte(unscaled.length);
        out.write(unscaled);
    }

    public static BigDecimal read(final DataInputStream in) throws IOException {
        final int scale = in.readShort();
        final byte[] unscaled = new byte[in.readUnsignedByte()];
        in.readFully(unscaled);
        return new BigDecimal(new BigInteger(unscaled), scale);
    }
}
