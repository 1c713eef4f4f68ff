package org.cityledger.domain;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact amount in one currency. Arithmetic refuses to mix currencies: a ledger that silently
 * added USD to CNY would report a figure nobody could audit.
 */
public record Amount(BigDecimal value, String currency) {

    public Amount {
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(currency, "currency");
    }

    public static Amount of(final String value, final String currency) {
        return new Amount(new BigDecimal(value), currency);
    }

    public Amount plus(final Amount other) {
        requireSameCurrency(other);
        return new Amount(value.add(other.value), currency);
    }

    public boolean isGreaterThan(final Amount other) {
        requireSameCurrency(other);
        return value.compareTo(other.value) > 0;
    }

    /** The amount as the API shows it: two decimal places, plain notation. */
    public String toPlainString() {
        return value.setScale(Math.max(2, value.stripTrailingZeros().scale()), RoundingMode.UNNECESSARY).toPlainString();
    }

    private void requireSameCurrency(final Amount other) {
        if (!currency.equals(other.currency)) {
            throw new IllegalArgumentException("cannot combine " + currency + " with " + other.currency);
        }
    }
}
