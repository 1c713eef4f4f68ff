package org.cityledger.streams.codec;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * Writes the binary form of the ledger's internal values (event index entries, audit entries,
 * facts, totals, dead letters): exactly the bytes {@link java.io.DataOutputStream} wrote for them —
 * big-endian numbers, strings in modified UTF-8 after a two-byte length — so that every store
 * written before reads the same. Our own because the stream thread encodes three values per counted
 * event, and a {@code ByteArrayOutputStream} under a {@code DataOutputStream} per value measured at
 * four times the cost: JMH's {@code IndexValuesBenchmark}, the three values of a counted event
 * 2.1-2.3 µs with the streams, 0.5-0.7 µs with this (BENCHMARKS.md, 2026-12-03 third sitting). One
 * writer per value, not thread-safe.
 */
public final class BinaryWriter {

    private static final int MAX_UTF_BYTES = 0xFFFF;

    private byte[] buffer;
    private int size;

    /** {@code expected}: the usual size of the value, so that most values need no growing. */
    public BinaryWriter(final int expected) {
        this.buffer = new byte[Math.max(16, expected)];
    }

    public BinaryWriter writeByte(final int value) {
        ensure(1);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeBoolean(final boolean value) {
        return writeByte(value ? 1 : 0);
    }

    public BinaryWriter writeShort(final int value) {
        ensure(2);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeInt(final int value) {
        ensure(4);
        buffer[size++] = (byte) (value >>> 24);
        buffer[size++] = (byte) (value >>> 16);
        buffer[size++] = (byte) (value >>> 8);
        buffer[size++] = (byte) value;
        return this;
    }

    public BinaryWriter writeLong(final long value) {
        ensure(8);
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[size++] = (byte) (value >>> shift);
        }
        return this;
    }

    public BinaryWriter writeBytes(final byte[] value) {
        ensure(value.length);
        System.arraycopy(value, 0, buffer, size, value.length);
        size += value.length;
        return this;
    }

    /**
     * {@code value} as {@link java.io.DataOutput#writeUTF} writes it: the encoded length (2 bytes),
     * then each char in one byte (1 to 0x7F), two (0 and up to 0x7FF) or three.
     *
     * @throws IllegalArgumentException if it encodes to more than 65,535 bytes, naming its length
     */
    public BinaryWriter writeUtf(final String value) {
        final int chars = value.length();
        // a long: three bytes a char overflow an int past 715 M chars, and the message must still be the right one
        long counted = chars;
        for (int i = 0; i < chars; i++) {
            final char c = value.charAt(i);
            if (c >= 0x80 || c == 0) {
                counted += c >= 0x800 ? 2 : 1;
            }
        }
        if (counted > MAX_UTF_BYTES) {
            throw new IllegalArgumentException("a text of " + chars + " characters encodes to " + counted
                    + " bytes, more than the " + MAX_UTF_BYTES + " an internal value holds");
        }
        final int encoded = (int) counted;
        ensure(2 + encoded);
        buffer[size++] = (byte) (encoded >>> 8);
        buffer[size++] = (byte) encoded;
        if (encoded == chars) {
            for (int i = 0; i < chars; i++) {
                buffer[size++] = (byte) value.charAt(i);
            }
            return this;
        }
        for (int i = 0; i < chars; i++) {
            final char c = value.charAt(i);
            if (c >= 0x01 && c < 0x80) {
                buffer[size++] = (byte) c;
            } else if (c < 0x800) {
                buffer[size++] = (byte) (0xC0 | (c >> 6) & 0x1F);
                buffer[size++] = (byte) (0x80 | c & 0x3F);
            } else {
                buffer[size++] = (byte) (0xE0 | (c >> 12) & 0x0F);
                buffer[size++] = (byte) (0x80 | (c >> 6) & 0x3F);
                buffer[size++] = (byte) (0x80 | c & 0x3F);
            }
        }
        return this;
    }

    /** A presence flag, then the text if present. */
    public BinaryWriter writeNullableUtf(final String value) {
        writeBoolean(value != null);
        return value == null ? this : writeUtf(value);
    }

    /** An exact decimal: its scale (2 bytes), the length (1 byte) and bytes of its unscaled two's complement. */
    public BinaryWriter writeDecimal(final BigDecimal value) {
        final byte[] unscaled = value.unscaledValue().toByteArray();
        if (unscaled.length > 0xFF) {
            throw new IllegalArgumentException("a decimal of " + unscaled.length + " bytes is more than an internal value holds");
        }
        writeShort(value.scale());
        writeByte(unscaled.length);
        return writeBytes(unscaled);
    }

    /** The value written, exactly as long as it is. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, size);
    }

    private void ensure(final int more) {
        if (size + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
        }
    }
}
