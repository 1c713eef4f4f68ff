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
}
