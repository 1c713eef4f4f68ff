package org.cityledger.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;

/**
 * What the ledger must show after counting a generated data set: per event kind, the number of
 * counted events and the sums per currency (amount and the kind's second figure), worked out by
 * the generator as it draws the events. Also counts the records by category, so a run can say how
 * many duplicates, corrections and invalid records it fed. Not thread-safe; merge per-thread oracles.
 */
final class Oracle {

    private final long[] counts = new long[EventKind.values().length];
    private final List<Map<String, BigDecimal>> amounts = new ArrayList<>();
    private final List<Map<String, BigDecimal>> extras = new ArrayList<>();
    private final Map<GeneratedEvent.Category, Long> records = new EnumMap<>(GeneratedEvent.Category.class);

    Oracle() {
        for (int i = 0; i < counts.length; i++) {
            amounts.add(new TreeMap<>());
            extras.add(new TreeMap<>());
        }
        for (final GeneratedEvent.Category category : GeneratedEvent.Category.values()) {
            records.put(category, 0L);
        }
    }

    /** Adds ({@code sign} 1) or takes back ({@code sign} -1) one counted event. */
    void count(final EventKind kind, final String currency, final BigDecimal amount, final BigDecimal extra,
               final int sign) {
        counts[kind.ordinal()] += sign;
        add(amounts.get(kind.ordinal()), currency, amount, sign);
        if (extra != null) {
            add(extras.get(kind.ordinal()), currency, extra, sign);
        }
    }

    /** Adds ({@code sign} 1) or takes back ({@code sign} -1) one counted event, with the figures the ledger sums of it. */
    void count(final LedgerEvent event, final int sign) {
        final Amount extra = event.kind() == EventKind.GROUNDBREAKING ? event.plannedWithinYear() : event.matching();
        count(event.kind(), event.amount().currency(), event.amount().value(), extra == null ? null : extra.value(), sign);
    }

    void record(final GeneratedEvent.Category category) {
        records.merge(category, 1L, Long::sum);
    }

    void merge(final Oracle other) {
        for (int i = 0; i < counts.length; i++) {
            counts[i] += other.counts[i];
            final Map<String, BigDecimal> amountSums = amounts.get(i);
            final Map<String, BigDecimal> extraSums = extras.get(i);
            other.amounts.get(i).forEach((currency, value) -> amountSums.merge(currency, value, BigDecimal::add));
            other.extras.get(i).forEach((currency, value) -> extraSums.merge(currency, value, BigDecimal::add));
        }
        other.records.forEach((category, n) -> records.merge(category, n, Long::sum));
    }

    /** Events the ledger's summary must count: new valid facts (a correction replaces, it does not add). */
    long countedEvents() {
        long sum = 0;
        for (final long count : counts) {
            sum += count;
        }
        return sum;
    }

    long count(final EventKind kind) {
        return counts[kind.ordinal()];
    }

    long records(final GeneratedEvent.Category category) {
        return records.get(category);
    }

    long totalRecords() {
        return records.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Records the ledger must dead-letter: invalid events and unreadable bytes (duplicates are dropped silently). */
    long expectedDeadLetters() {
        return records(GeneratedEvent.Category.INVALID) + records(GeneratedEvent.Category.GARBAGE);
    }

    /** Non-zero sums of one kind, as the ledger shows them (a currency summing to zero is left out). */
    Map<String, BigDecimal> amounts(final EventKind kind) {
        return withoutZeros(amounts.get(kind.ordinal()));
    }

    Map<String, BigDecimal> extras(final EventKind kind) {
        return withoutZeros(extras.get(kind.ordinal()));
    }

    /** Every way {@code actual} differs from what was generated; empty when the ledger counted right. */
    List<String> differences(final Totals actual) {
        final List<String> differences = new ArrayList<>();
        for (final EventKind kind : EventKind.values()) {
            final KindTotals totals = actual.of(kind);
            final String name = kind.name().toLowerCase(Locale.ROOT);
            if (totals.count() != count(kind)) {
                differences.add(name + ".count expected " + count(kind) + " got " + totals.count());
            }
            compare(differences, name + ".amounts", amounts(kind), totals.amounts());
            compare(differences, name + ".extra", extras(kind), totals.extra());
        }
        return differences;
    }

    /** The category counts, for the report. */
    Map<String, Object> recordsJson() {
        final Map<String, Object> json = new LinkedHashMap<>();
        records.forEach((category, n) -> json.put(category.name().toLowerCase(Locale.ROOT), n));
        json.put("counted", countedEvents());
        return json;
    }

    @Override
    public boolean equals(final Object other) {
        if (!(other instanceof Oracle that)) {
            return false;
        }
        if (!records.equals(that.records)) {
            return false;
        }
        for (final EventKind kind : EventKind.values()) {
            if (count(kind) != that.count(kind) || !sameSums(amounts(kind), that.amounts(kind))
                    || !sameSums(extras(kind), that.extras(kind))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(countedEvents()) * 31 + records.hashCode();
    }

    @Override
    public String toString() {
        final StringBuilder text = new StringBuilder("Oracle").append(records);
        for (final EventKind kind : EventKind.values()) {
            text.append(' ').append(kind).append('=').append(count(kind)).append(amounts(kind)).append(extras(kind));
        }
        return text.toString();
    }

    private static void add(final Map<String, BigDecimal> sums, final String currency, final BigDecimal value,
                            final int sign) {
        sums.merge(currency, sign > 0 ? value : value.negate(), BigDecimal::add);
    }

    private static Map<String, BigDecimal> withoutZeros(final Map<String, BigDecimal> sums) {
        final Map<String, BigDecimal> nonZero = new TreeMap<>();
        sums.forEach((currency, value) -> {
            if (value.signum() != 0) {
                nonZero.put(currency, value);
            }
        });
        return nonZero;
    }

    private static boolean sameSums(final Map<String, BigDecimal> a, final Map<String, BigDecimal> b) {
        if (!a.keySet().equals(b.keySet())) {
            return false;
        }
        for (final Map.Entry<String, BigDecimal> entry : a.entrySet()) {
            // scales differ (the wire keeps four places): compare values, not representations
            if (entry.getValue().compareTo(b.get(entry.getKey())) != 0) {
                return false;
            }
        }
        return true;
    }

    private static void compare(final List<String> differences, final String field,
                                final Map<String, BigDecimal> expected, final Map<String, BigDecimal> actual) {
        final Map<String, BigDecimal> nonZeroActual = withoutZeros(actual);
        if (!sameSums(expected, nonZeroActual)) {
            differences.add(field + " expected " + expected + " got " + nonZeroActual);
        }
    }
}
