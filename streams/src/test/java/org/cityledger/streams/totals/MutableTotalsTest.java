package org.cityledger.streams.totals;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.cityledger.domain.EventKind;
import org.junit.jupiter.api.Test;

class MutableTotalsTest {

    private static Contribution signing(final String currency, final String amount) {
        return new Contribution(EventKind.SIGNING, "kunshan", "displays", currency, new BigDecimal(amount), null);
    }

    @Test
    void shouldRestoreTotalsOfManyCurrencies() {
        final MutableTotals original = new MutableTotals();
        for (final String currency : new String[] {"CNY", "USD", "EUR", "JPY", "HKD"}) {
            original.apply(signing(currency, "1.50"), 1);
        }

        final Totals restored = MutableTotals.of(original.snapshot()).snapshot();

        assertThat(restored).isEqualTo(original.snapshot());
        assertThat(restored.signing().amounts()).hasSize(5);
    }

    @Test
    void shouldKeepEachCurrencyApartWhenSumming() {
        final MutableTotals totals = new MutableTotals();
        totals.apply(signing("CNY", "100.00"), 1);
        totals.apply(signing("USD", "7.00"), 1);
        totals.apply(signing("CNY", "0.01"), 1);
        totals.apply(signing("CNY", "100.00"), -1);

        final KindTotals signing = totals.snapshot().signing();

        assertThat(signing.count()).isEqualTo(2);
        assertThat(signing.amounts().get("CNY")).isEqualByComparingTo("0.01");
        assertThat(signing.amounts().get("USD")).isEqualByComparingTo("7.00");
    }

    @Test
    void shouldSumLikeBigDecimalIncludingItsScale() {
        final MutableTotals totals = new MutableTotals();
        totals.apply(signing("CNY", "1.50"), 1);
        totals.apply(signing("CNY", "2.5"), 1);

        assertThat(totals.snapshot().signing().amounts().get("CNY")).isEqualTo(new BigDecimal("4.00"));
    }

    @Test
    void shouldStayExactBeyondWhatALongHolds() {
        final MutableTotals totals = new MutableTotals();
        final BigDecimal large = new BigDecimal("900000000000000.0000");
        totals.apply(signing("CNY", large.toPlainString()), 1);
        totals.apply(signing("CNY", large.toPlainString()), 1);
        totals.apply(signing("CNY", "0.0001"), 1);
        totals.apply(signing("CNY", large.toPlainString()), -1);

        assertThat(totals.snapshot().signing().amounts().get("CNY")).isEqualTo(new BigDecimal("900000000000000.0001"));
    }

    @Test
    void shouldStayExactWhenARunningSumOverflowsALong() {
        final MutableTotals totals = new MutableTotals();
        final String justFits = "90000000000000.0000";
        for (int i = 0; i < 200; i++) {
            totals.apply(signing("USD", justFits), 1);
        }

        assertThat(totals.snapshot().signing().amounts().get("USD"))
                .isEqualTo(new BigDecimal(justFits).multiply(BigDecimal.valueOf(200)));
    }

    @Test
    void shouldKeepDigitsFinerThanFourPlaces() {
        final MutableTotals totals = new MutableTotals();
        totals.apply(signing("CNY", "0.00001"), 1);
        totals.apply(signing("CNY", "1.00"), 1);

        assertThat(totals.snapshot().signing().amounts().get("CNY")).isEqualTo(new BigDecimal("1.00001"));
    }

    @Test
    void shouldContinueExactSumsAfterARestore() {
        final MutableTotals original = new MutableTotals();
        original.apply(signing("CNY", "10.25"), 1);
        final MutableTotals restored = MutableTotals.of(original.snapshot());

        restored.apply(signing("CNY", "0.75"), 1);

        assertThat(restored.snapshot().signing().amounts().get("CNY")).isEqualTo(new BigDecimal("11.00"));
        assertThat(restored.snapshot().signing().count()).isEqualTo(2);
    }
}
