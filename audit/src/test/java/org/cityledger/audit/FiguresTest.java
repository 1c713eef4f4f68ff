package org.cityledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.junit.jupiter.api.Test;

class FiguresTest {

    private static LedgerEvent groundbreaking(final String amount, final String currency) {
        return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId("g").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("sip").sector("5g").project(new ProjectRef("P", "N", "C", "strategic-emerging"))
                .amount(Amount.of(amount, currency)).plannedWithinYear(Amount.of("1.00", currency)).build();
    }

    @Test
    void shouldCountAnEventInItsFourSlicesAndKeepCurrenciesApart() {
        final Figures figures = new Figures();
        figures.add(groundbreaking("10.00", "CNY"), 1);
        figures.add(groundbreaking("3.00", "USD"), 1);

        final Figures expected = new Figures();
        for (final String slice : new String[] {"summary", "district sip", "sector 5g", "cell sip/5g"}) {
            expected.add(slice, "groundbreaking.count", BigDecimal.valueOf(2));
            expected.add(slice, "groundbreaking.amounts.CNY", new BigDecimal("10.00"));
            expected.add(slice, "groundbreaking.amounts.USD", new BigDecimal("3.00"));
            expected.add(slice, "groundbreaking.plannedWithinYear.CNY", new BigDecimal("1.00"));
            expected.add(slice, "groundbreaking.plannedWithinYear.USD", new BigDecimal("1.00"));
        }
        assertThat(figures.differences(expected)).isEmpty();
    }

    @Test
    void shouldNameEachDifferingFigureWithBothValuesAndTakeMissingAsZero() {
        final Figures figures = new Figures();
        figures.add(groundbreaking("10.00", "CNY"), 1);
        final Figures other = new Figures();
        other.add("summary", "groundbreaking.amounts.CNY", new BigDecimal("10.0"));

        assertThat(figures.differences(other)).containsKey("district sip, groundbreaking.amounts.CNY")
                .doesNotContainKey("summary, groundbreaking.amounts.CNY");
        assertThat(figures.differences(other).get("summary, groundbreaking.count")).containsExactly(BigDecimal.ONE, BigDecimal.ZERO);
    }
}
