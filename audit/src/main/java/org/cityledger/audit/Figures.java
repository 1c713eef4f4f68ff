package org.cityledger.audit;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;

/**
 * Totals kept the plainest way, for comparing: per slice ({@code summary}, {@code district kunshan},
 * {@code sector 5g}, {@code cell kunshan/5g}) and figure ({@code signing.count},
 * {@code signing.amounts.CNY}, {@code groundbreaking.plannedWithinYear.CNY},
 * {@code funding.matching.CNY}), a {@link BigDecimal}. Currencies are never added together.
 */
public final class Figures {

    private final Map<String, Map<String, BigDecimal>> bySlice = new TreeMap<>();

    /** Adds ({@code sign} 1) or takes back (-1) an event in its four slices. */
    public void add(final LedgerEvent event, final int sign) {
        for (final String slice : new String[] {"summary", "district " + event.district(), "sector " + event.sector(),
                "cell " + event.district() + "/" + event.sector()}) {
            final String kind = kind(event.kind());
            add(slice, kind + ".count", BigDecimal.valueOf(sign));
            add(slice, kind + ".amounts." + event.amount().currency(), signed(event.amount(), sign));
            if (event.plannedWithinYear() != null) {
                add(slice, kind + ".plannedWithinYear." + event.plannedWithinYear().currency(), signed(event.plannedWithinYear(), sign));
            }
            if (event.matching() != null) {
                add(slice, kind + ".matching." + event.matching().currency(), signed(event.matching(), sign));
            }
        }
    }

    /** Puts one figure of one slice, as read from elsewhere (the ledger's answer). */
    public void add(final String slice, final String figure, final BigDecimal value) {
        bySlice.computeIfAbsent(slice, s -> new TreeMap<>()).merge(figure, value, BigDecimal::add);
    }

    /** Every figure, missing ones meaning zero, that differs from {@code other}'s: slice, figure, this value, the other's. */
    public Map<String, BigDecimal[]> differences(final Figures other) {
        final Map<String, BigDecimal[]> differing = new TreeMap<>();
        final TreeSet<String> slices = new TreeSet<>(bySlice.keySet());
        slices.addAll(other.bySlice.keySet());
        for (final String slice : slices) {
            final Map<String, BigDecimal> mine = bySlice.getOrDefault(slice, Map.of());
            final Map<String, BigDecimal> theirs = other.bySlice.getOrDefault(slice, Map.of());
            final TreeSet<String> figures = new TreeSet<>(mine.keySet());
            figures.addAll(theirs.keySet());
            for (final String figure : figures) {
                final BigDecimal a = mine.getOrDefault(figure, BigDecimal.ZERO);
                final BigDecimal b = theirs.getOrDefault(figure, BigDecimal.ZERO);
                if (a.compareTo(b) != 0) {
                    differing.put(slice + ", " + figure, new BigDecimal[] {a, b});
                }
            }
        }
        return differing;
    }

    /** How many figures are not zero. */
    public int count() {
        return (int) bySlice.values().stream().flatMap(m -> m.values().stream()).filter(v -> v.signum() != 0).count();
    }

    static String kind(final EventKind kind) {
        return switch (kind) {
            case SIGNING -> "signing";
            case GROUNDBREAKING -> "groundbreaking";
            case FUNDING -> "funding";
        };
    }

    private static BigDecimal signed(final Amount amount, final int sign) {
        return sign > 0 ? amount.value() : amount.value().negate();
    }
}
