package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * Running totals of one event kind: how many events, their amounts per currency, and the kind's
 * second figure per currency (within-year plan for groundbreaking, enterprise matching for funding;
 * empty for signing). Immutable; maps are sorted by currency code so output is stable, and a
 * currency whose sum is zero (e.g. all its events were corrected into another currency) is left out.
 */
public record KindTotals(long count, Map<String, BigDecimal> amounts, Map<String, BigDecimal> extra) {

    public static final KindTotals EMPTY = new KindTotals(0, Map.of(), Map.of());

    public KindTotals {
        amounts = withoutZeros(amounts);
        extra = withoutZeros(extra);
    }

    public boolean isEmpty() {
        return count == 0 && amounts.isEmpty() && extra.isEmpty();
    }

    /** Sum of two partial totals (e.g. of two partitions); currencies are kept apart. */
    public KindTotals plus(final KindTotals other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        return new KindTotals(count + other.count, merge(amounts, other.amounts), merge(extra, other.extra));
    }

    private static Map<String, BigDecimal> withoutZeros(final Map<String, BigDecimal> sums) {
        final TreeMap<String, BigDecimal> sorted = new TreeMap<>();
        sums.forEach((currency, value) -> {
            if (value.signum() != 0) {
                sorted.put(currency, value);
            }
        });
        return Collections.unmodifiableMap(sorted);
    }

    private static Map<String, BigDecimal> merge(final Map<String, BigDecimal> a, final Map<String, BigDecimal> b) {
        final Map<String, BigDecimal> sum = new TreeMap<>(a);
        b.forEach((currency, value) -> sum.merge(currency, value, BigDecimal::add));
        return sum;
    }
}
