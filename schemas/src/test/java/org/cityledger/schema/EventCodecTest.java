package org.cityledger.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.events.FundingEvent;
import org.cityledger.events.GroundbreakingEvent;
import org.cityledger.events.SigningEvent;
import org.junit.jupiter.api.Test;

class EventCodecTest {

    private static final Instant OCCURRED = Instant.parse("2022-02-10T01:30:00.123Z");
    private static final ProjectRef PROJECT =
            new ProjectRef("KS-P-0042", "12-inch wafer line", "昆山微芯有限公司", "strategic-emerging");

    private final EventCodec codec = new EventCodec();

    /** Avro decimals come back at the schema's scale, 4. */
    private static Amount amount(final String value, final String currency) {
        return new Amount(new BigDecimal(value).setScale(4), currency);
    }

    private static LedgerEvent signing() {
        return LedgerEvent.builder(EventKind.SIGNING).eventId("ks-2022-0001").occurredAt(OCCURRED)
                .district("kunshan").sector("displays").project(PROJECT).amount(amount("1800000000.00", "USD"))
                .corrects("ks-2022-0000").source("office:kunshan").build();
    }

    private static LedgerEvent groundbreaking() {
        return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId("ks-2022-0042").occurredAt(OCCURRED)
                .district("kunshan").sector("semiconductors").project(PROJECT).amount(amount("1500000000.00", "CNY"))
                .plannedWithinYear(amount("400000000.50", "CNY")).source("file:groundbreaking.jsonl").build();
    }

    private static LedgerEvent funding() {
        return LedgerEvent.builder(EventKind.FUNDING).eventId("ks-2022-0100").occurredAt(OCCURRED)
                .district("kunshan").sector("semiconductors").project(PROJECT).amount(amount("12000000.00", "CNY"))
                .program("open-competition").matching(amount("10000000.00", "CNY")).build();
    }

    // --- round trips ---

    @Test
    void shouldRoundTripASigning() {
        assertThat(codec.decode(codec.encode(signing()))).isEqualTo(signing());
    }

    @Test
    void shouldRoundTripAGroundbreaking() {
        assertThat(codec.decode(codec.encode(groundbreaking()))).isEqualTo(groundbreaking());
    }

    @Test
    void shouldRoundTripAFunding() {
        assertThat(codec.decode(codec.encode(funding()))).isEqualTo(funding());
    }

    @Test
    void shouldRoundTripAFundingWithoutMatching() {
        final LedgerEvent event = funding().toBuilder().matching(null).build();
        assertThat(codec.decode(codec.encode(event))).isEqualTo(event);
    }

    @Test
    void shouldDecodeAmountsAtScaleFourWithTheSameValue() {
        final LedgerEvent event = signing().toBuilder().amount(Amount.of("72000000000.5", "CNY")).build();
        final Amount decoded = codec.decode(codec.encode(event)).amount();
        assertThat(decoded.value().scale()).isEqualTo(4);
        assertThat(decoded.value()).isEqualByComparingTo("72000000000.50");
        assertThat(decoded.currency()).isEqualTo("CNY");
    }

    @Test
    void shouldRefuseToEncodeAnAmountFinerThanTheSchemaScale() {
        final LedgerEvent event = signing().toBuilder().amount(Amount.of("1.00001", "CNY")).build();
        assertThatThrownBy(() -> codec.encode(event))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("event ks-2022-0001 cannot be encoded: ");
    }

    // --- single-object encoding ---

    @Test
    void shouldStartWithTheSingleObjectHeader() {
        final byte[] bytes = codec.encode(signing());
        assertThat(Arrays.copyOfRange(bytes, 0, 2)).containsExactly((byte) 0xC3, (byte) 0x01);
    }

    @Test
    void shouldFollowTheHeaderWithTheWriterSchemaFingerprintOfEachKind() {
        assertThat(fingerprintOf(codec.encode(signing())))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(SigningEvent.getClassSchema()));
        assertThat(fingerprintOf(codec.encode(groundbreaking())))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(GroundbreakingEvent.getClassSchema()));
        assertThat(fingerprintOf(codec.encode(funding())))
                .isEqualTo(SchemaNormalization.parsingFingerprint64(FundingEvent.getClassSchema()));
    }

    private static long fingerprintOf(final byte[] bytes) {
        return ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    // --- unreadable bytes ---

    @Test
    void shouldRefuseEmptyBytes() {
        assertThatThrownBy(() -> codec.decode(new byte[0]))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("not an Avro single-object encoded record (bad or missing header)");
    }

    @Test
    void shouldRefuseNullBytes() {
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("not an Avro single-object encoded record (bad or missing header)");
    }

    @Test
    void shouldRefuseWrongMagic() {
        final byte[] bytes = codec.encode(signing());
        bytes[1] = 0x02;
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("not an Avro single-object encoded record (bad or missing header)");
    }

    @Test
    void shouldRefuseJsonBytes() {
        final byte[] bytes = "{\"eventId\":\"ks-2022-0001\",\"type\":\"SIGNING\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageContaining("bad or missing header");
    }

    @Test
    void shouldRefuseAnUnknownFingerprint() {
        final byte[] bytes = codec.encode(signing());
        ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).putLong(0x0123456789abcdefL);
        assertThatThrownBy(() -> codec.decode(bytes))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessage("unknown writer schema fingerprint 123456789abcdef");
    }

    @Test
    void shouldRefuseATruncatedBody() {
        final byte[] whole = codec.encode(signing());
        final byte[] truncated = Arrays.copyOf(whole, whole.length - 10);
        assertThatThrownBy(() -> codec.decode(truncated))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageStartingWith("corrupt Avro body: ");
    }

    @Test
    void shouldRefuseAHeaderWithoutBody() {
        final byte[] header = Arrays.copyOf(codec.encode(signing()), 10);
        assertThatThrownBy(() -> codec.decode(header))
                .isInstanceOf(UnreadableEventException.class)
                .hasMessageStartingWith("corrupt Avro body: ");
    }

    // --- schema history ---

    @Test
    void shouldHoldEveryCurrentClassSchemaInTheHistory() {
        final List<Long> fingerprints = SchemaHistory.load().stream().map(SchemaHistory.Version::fingerprint).toList();
        assertThat(fingerprints).contains(
                SchemaNormalization.parsingFingerprint64(SigningEvent.getClassSchema()),
                SchemaNormalization.parsingFingerprint64(GroundbreakingEvent.getClassSchema()),
                SchemaNormalization.parsingFingerprint64(FundingEvent.getClassSchema()));
    }

    @Test
    void shouldReadEveryHistoricalVersionWithTheCurrentClassSchema() {
        final Map<String, Schema> current = Map.of(
                SigningEvent.getClassSchema().getFullName(), SigningEvent.getClassSchema(),
                GroundbreakingEvent.getClassSchema().getFullName(), GroundbreakingEvent.getClassSchema(),
                FundingEvent.getClassSchema().getFullName(), FundingEvent.getClassSchema());
        final List<SchemaHistory.Version> history = SchemaHistory.load();
        assertThat(history).isNotEmpty();
        for (final SchemaHistory.Version version : history) {
            final Schema reader = current.get(version.schema().getFullName());
            assertThat(reader).as("class schema for %s", version.schema().getFullName()).isNotNull();
            assertThat(SchemaCompatibility.checkReaderWriterCompatibility(reader, version.schema()).getType())
                    .as("%s v%d readable by the current class schema", version.recordName(), version.version())
                    .isEqualTo(SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE);
        }
    }

    @Test
    void shouldNameEachHistoricalVersionAfterItsRecordAndFingerprintItsSchema() {
        for (final SchemaHistory.Version version : SchemaHistory.load()) {
            assertThat(version.schema().getName()).isEqualTo(version.recordName());
            assertThat(version.fingerprint()).isEqualTo(SchemaNormalization.parsingFingerprint64(version.schema()));
        }
    }

    @Test
    void shouldNumberTheVersionsOfEachRecordFromOneWithoutGaps() {
        final Map<String, List<Integer>> versions = SchemaHistory.load().stream().collect(Collectors.groupingBy(
                SchemaHistory.Version::recordName, Collectors.mapping(SchemaHistory.Version::version, Collectors.toList())));
        assertThat(versions).containsOnlyKeys("SigningEvent", "GroundbreakingEvent", "FundingEvent");
        versions.forEach((record, numbers) -> assertThat(numbers).as(record)
                .isEqualTo(java.util.stream.IntStream.rangeClosed(1, numbers.size()).boxed().toList()));
    }

    @Test
    void shouldGiveEveryHistoricalVersionADistinctFingerprint() {
        final List<Long> fingerprints = SchemaHistory.load().stream().map(SchemaHistory.Version::fingerprint).toList();
        assertThat(fingerprints).doesNotHaveDuplicates();
    }
}
