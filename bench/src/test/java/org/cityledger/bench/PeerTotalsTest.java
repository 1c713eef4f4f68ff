package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.schema.EventCodec;
import org.junit.jupiter.api.Test;

class PeerTotalsTest {

    private static final EventCodec CODEC = new EventCodec();

    @Test
    void shouldSumADuplicateTwiceAsAPeerWithoutDeDuplicationDoes() {
        final PeerTotals totals = new PeerTotals();
        final byte[] event = CODEC.encode(groundbreaking("e1", "kunshan", "biomedicine", "100.00", "40.00"));

        totals.add(event, CODEC);
        totals.add(event, CODEC);

        final PeerTotals.Sums sums = totals.at(PeerTotals.Level.SUMMARY).get("/GROUNDBREAKING/CNY");
        assertThat(sums.events()).isEqualTo(2);
        assertThat(sums.amount()).isEqualByComparingTo("200.00");
        assertThat(sums.extra()).isEqualByComparingTo("80.00");
    }

    @Test
    void shouldSkipBytesThatAreNoEvent() {
        final PeerTotals totals = new PeerTotals();

        totals.add("not avro".getBytes(StandardCharsets.UTF_8), CODEC);

        assertThat(totals.unreadable()).isEqualTo(1);
        assertThat(totals.events()).isZero();
    }

    @Test
    void shouldRollTheCellsUpToDistrictsSectorsAndTheCity() {
        final PeerTotals totals = new PeerTotals();
        totals.add(CODEC.encode(groundbreaking("e1", "kunshan", "biomedicine", "100.00", "40.00")), CODEC);
        totals.add(CODEC.encode(groundbreaking("e2", "changshu", "biomedicine", "50.00", "10.00")), CODEC);

        assertThat(totals.at(PeerTotals.Level.CELL)).containsOnlyKeys("kunshan|biomedicine/GROUNDBREAKING/CNY",
                "changshu|biomedicine/GROUNDBREAKING/CNY");
        assertThat(totals.at(PeerTotals.Level.DISTRICT)).containsOnlyKeys("kunshan/GROUNDBREAKING/CNY",
                "changshu/GROUNDBREAKING/CNY");
        assertThat(totals.at(PeerTotals.Level.SECTOR).get("biomedicine/GROUNDBREAKING/CNY").amount())
                .isEqualByComparingTo("150.00");
        assertThat(PeerTotals.summary(totals.at(PeerTotals.Level.DISTRICT)).get("/GROUNDBREAKING/CNY").events())
                .isEqualTo(2);
    }

    @Test
    void shouldFindNoDifferenceWhereOnlyTheScalesDiffer() {
        final Map<String, PeerTotals.Sums> expected = Map.of("/SIGNING/CNY",
                new PeerTotals.Sums(1, new BigDecimal("1.50"), BigDecimal.ZERO));
        final Map<String, PeerTotals.Sums> actual = Map.of("/SIGNING/CNY",
                new PeerTotals.Sums(1, new BigDecimal("1.5000"), new BigDecimal("0.0000")));

        assertThat(PeerTotals.differences("summary", expected, actual)).isEmpty();
    }

    @Test
    void shouldSayWhichFiguresDiffer() {
        final Map<String, PeerTotals.Sums> expected = Map.of("/SIGNING/CNY",
                new PeerTotals.Sums(2, new BigDecimal("3.00"), BigDecimal.ZERO));
        final Map<String, PeerTotals.Sums> actual = Map.of("/SIGNING/CNY",
                new PeerTotals.Sums(1, new BigDecimal("1.50"), BigDecimal.ZERO), "/SIGNING/USD",
                new PeerTotals.Sums(1, new BigDecimal("1.50"), BigDecimal.ZERO));

        assertThat(PeerTotals.differences("summary", expected, actual)).singleElement().asString()
                .contains("summary: 2 of 1 figures differ").contains("/SIGNING/CNY expected").contains("/SIGNING/USD unexpected");
    }

    private static LedgerEvent groundbreaking(final String id, final String district, final String sector,
                                              final String amount, final String planned) {
        return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId(id).occurredAt(Instant.parse("2022-03-01T00:00:00Z"))
                .district(district).sector(sector).project(new ProjectRef("p-" + id, "Project " + id, "Company", "category"))
                .amount(Amount.of(amount, "CNY")).plannedWithinYear(Amount.of(planned, "CNY")).source("office:" + district)
                .build();
    }
}
