package org.cityledger.streams.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;

/**
 * The stores written before {@link BinaryWriter} existed hold what {@link DataOutputStream} wrote:
 * every value is compared with it byte for byte, and read back.
 */
class BinaryCodecTest {

    @Property
    void shouldWriteTextAsDataOutputStreamDid(@ForAll @StringLength(max = 300) final String text) throws IOException {
        assertWrittenAsDataOutputStreamDidAndReadBack(text);
    }

    @Test
    void shouldWriteChineseNamesTheNulCharAndSurrogatesAsDataOutputStreamDid() throws IOException {
        assertWrittenAsDataOutputStreamDidAndReadBack("苏州工业园区 \u0000 é \uD83C\uDFED");
    }

    @Test
    void shouldWriteTheBoundariesOfEachEncodedLengthAsDataOutputStreamDid() throws IOException {
        // one byte to 0x7F, two to 0x7FF, three above; a lone surrogate and U+FFFF are chars like any other
        assertWrittenAsDataOutputStreamDidAndReadBack("\u0001\u007F\u0080\u07FF\u0800\uFFFF\uD800x\uDFFF");
    }

    @Test
    void shouldWriteTheLongestTextItsLengthFieldHolds() throws IOException {
        assertWrittenAsDataOutputStreamDidAndReadBack("中".repeat(21_845));
    }

    private static void assertWrittenAsDataOutputStreamDidAndReadBack(final String text) throws IOException {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        new DataOutputStream(expected).writeUTF(text);

        final byte[] written = new BinaryWriter(4).writeUtf(text).toByteArray();

        assertThat(written).isEqualTo(expected.toByteArray());
        assertThat(new BinaryReader(written).readUtf()).isEqualTo(text);
    }

    @Property
    void shouldWriteNumbersAsDataOutputStreamDid(@ForAll final byte b, @ForAll final short s, @ForAll final int i,
                                                 @ForAll final long l, @ForAll final boolean flag) throws IOException {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(expected);
        out.writeByte(b);
        out.writeShort(s);
        out.writeInt(i);
        out.writeLong(l);
        out.writeBoolean(flag);

        final byte[] written = new BinaryWriter(1).writeByte(b).writeShort(s).writeInt(i).writeLong(l).writeBoolean(flag)
                .toByteArray();

        assertThat(written).isEqualTo(expected.toByteArray());
        final BinaryReader in = new BinaryReader(written);
        assertThat(in.readByte()).isEqualTo(b);
        assertThat(in.readShort()).isEqualTo(s);
        assertThat(in.readInt()).isEqualTo(i);
        assertThat(in.readLong()).isEqualTo(l);
        assertThat(in.readBoolean()).isEqualTo(flag);
        assertThat(in.remaining()).isZero();
    }

    @Property
    void shouldWriteDecimalsAsTheirFormerCodecDidAndReadThemExactly(@ForAll("decimals") final BigDecimal value) throws IOException {
        final ByteArrayOutputStream expected = new ByteArrayOutputStream();
        final DataOutputStream out = new DataOutputStream(expected);
        final byte[] unscaled = value.unscaledValue().toByteArray();
        out.writeShort(value.scale());
        out.writeByte(unscaled.length);
        out.write(unscaled);

        final byte[] written = new BinaryWriter(2).writeDecimal(value).toByteArray();

        assertThat(written).isEqualTo(expected.toByteArray());
        final BigDecimal read = new BinaryReader(written).readDecimal();
        assertThat(read).isEqualTo(value);
        assertThat(read.scale()).isEqualTo(value.scale());
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        final Arbitrary<BigInteger> unscaled = Arbitraries.bigIntegers().between(BigInteger.TEN.pow(40).negate(), BigInteger.TEN.pow(40));
        return unscaled.flatMap(u -> Arbitraries.integers().between(-3, 6).map(scale -> new BigDecimal(u, scale)));
    }

    @Test
    void shouldGrowPastTheSizeItExpected() {
        final BinaryWriter out = new BinaryWriter(1);
        for (long i = 0; i < 100; i++) {
            out.writeLong(i);
        }

        final BinaryReader in = new BinaryReader(out.toByteArray());
        for (long i = 0; i < 100; i++) {
            assertThat(in.readLong()).isEqualTo(i);
        }
        assertThat(in.remaining()).isZero();
    }

    @Test
    void shouldReadANullableTextAsWritten() {
        final BinaryReader in = new BinaryReader(new BinaryWriter(4).writeNullableUtf(null).writeNullableUtf("ks-1").toByteArray());

        assertThat(in.readNullableUtf()).isNull();
        assertThat(in.readNullableUtf()).isEqualTo("ks-1");
    }

    @Test
    void shouldRefuseATextTooLongForItsLengthField() {
        assertThatThrownBy(() -> new BinaryWriter(4).writeUtf("中".repeat(30_000)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("30000 characters encodes to 90000 bytes");
    }

    @Test
    void shouldSayWhereAValueEndsEarly() {
        final byte[] truncated = new BinaryWriter(4).writeLong(7).toByteArray();

        assertThatThrownBy(() -> new BinaryReader(new byte[] {truncated[0], truncated[1]}).readLong())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("of 2 bytes ends at byte 0, 8 more expected");
    }

    @Test
    void shouldRefuseAMalformedText() {
        final byte[] malformed = {0, 2, (byte) 0xC3, 0x41};

        assertThatThrownBy(() -> new BinaryReader(malformed).readUtf())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("malformed text at byte 2");
    }
}
