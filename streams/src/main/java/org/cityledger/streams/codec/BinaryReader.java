package org.cityledger.streams.codec;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads what {@link BinaryWriter} (and, before it, {@link java.io.DataOutputStream}) wrote. A value
 * that ends early or holds a malformed text is a corrupt store: {@link IllegalStateException},
 * saying where.
 */
public final class BinaryReader {

    private final byte[] data;
    private int at;

    public BinaryReader(final byte[] data) {
        this.data = data;
    }

    /** Reads the value's leading format version; anything but {@code expected} is "unknown {@code what} format version N". */
    public void expectVersion(final byte expected, final String what) {
        final byte version = readByte();
        if (version != expected) {
            throw new IllegalStateException("unknown " + what + " format version " + version);
        }
    }

    public byte readByte() {
        require(1);
        return data[at++];
    }

    public int readUnsignedByte() {
        return readByte() & 0xFF;
    }

    public boolean readBoolean() {
        return readByte() != 0;
    }

    /** A signed two-byte number, as {@link java.io.DataInput#readShort} reads it. */
    public short readShort() {
        require(2);
        final int value = (data[at] & 0xFF) << 8 | data[at + 1] & 0xFF;
        at += 2;
        return (short) value;
    }

    public int readInt() {
        require(4);
        final int value = (data[at] & 0xFF) << 24 | (data[at + 1] & 0xFF) << 16 | (data[at + 2] & 0xFF) << 8 | data[at + 3] & 0xFF;
        at += 4;
        return value;
    }

    public long readLong() {
        require(8);
        long value = 0;
        for (int i = 0; i < 8; i++) {
            value = value << 8 | data[at++] & 0xFF;
        }
        return value;
    }

    public byte[] readBytes(final int length) {
        require(length);
        final byte[] bytes = Arrays.copyOfRange(data, at, at + length);
        at += length;
        return bytes;
    }

    /** A text as {@link java.io.DataInput#readUTF} reads it. */
    public String readUtf() {
        final int length = readShort() & 0xFFFF;
        require(length);
        final int start = at;
        final int end = start + length;
        boolean ascii = true;
        for (int i = start; i < end && ascii; i++) {
            ascii = data[i] > 0;
        }
        if (ascii) {
            at = end;
            return new String(data, start, length, StandardCharsets.ISO_8859_1);
        }
        final char[] chars = new char[length];
        int count = 0;
        while (at < end) {
            final int first = data[at] & 0xFF;
            if (first < 0x80) {
                chars[count++] = (char) first;
                at += 1;
            } else if ((first & 0xE0) == 0xC0) {
                final int second = continuation(end, 1);
                chars[count++] = (char) ((first & 0x1F) << 6 | second & 0x3F);
                at += 2;
            } else if ((first & 0xF0) == 0xE0) {
                final int second = continuation(end, 1);
                final int third = continuation(end, 2);
                chars[count++] = (char) ((first & 0x0F) << 12 | (second & 0x3F) << 6 | third & 0x3F);
                at += 3;
            } else {
                throw new IllegalStateException("malformed text at byte " + at + " of an internal value of " + data.length);
            }
        }
        return new String(chars, 0, count);
    }

    /** What {@link BinaryWriter#writeNullableUtf} wrote. */
    public String readNullableUtf() {
        return readBoolean() ? readUtf() : null;
    }

    /** What {@link BinaryWriter#writeDecimal} wrote. */
    public BigDecimal readDecimal() {
        final int scale = readShort();
        final byte[] unscaled = readBytes(readUnsignedByte());
        return new BigDecimal(new BigInteger(unscaled), scale);
    }

    /** Bytes not read yet. */
    public int remaining() {
        return data.length - at;
    }

    private int continuation(final int end, final int offset) {
        if (at + offset >= end || (data[at + offset] & 0xC0) != 0x80) {
            throw new IllegalStateException("malformed text at byte " + at + " of an internal value of " + data.length);
        }
        return data[at + offset];
    }

    private void require(final int length) {
        if (length < 0 || length > data.length - at) {
            throw new IllegalStateException("an internal value of " + data.length + " bytes ends at byte " + at
                    + ", " + length + " more expected: the store is corrupt or of another format");
        }
    }
}
