package org.cityledger.bench;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.UnreadableEventException;

/**
 * What a peer of the ledger (stages 15, 16) must show: the sums of every readable record, per
 * district, sector, kind and currency, the way a sink that neither de-duplicates nor validates sums
 * them (a duplicate counts twice, a correction adds, a rule-breaking event is summed, unreadable
 * bytes are skipped). The generator's {@link Oracle} is what the ledger must count, which is not
 * what these peers compute; so, as stage 3's sum of sizes is checked against the bytes produced,
 * the peers are checked against the same records as produced, summed here. Not thread-safe.
 */
final class PeerTotals {

    /** The slices the ledger answers for: the whole city, a district, a sector, a district and a sector. */
    enum Level {
        SUMMARY, DISTRICT, SECTOR, CELL;

        String group(final String district, final String sector) {
            return switch (this) {
                case SUMMARY -> "";
                case DISTRICT -> district;
                case SECTOR -> sector;
                case CELL -> cell(district, sector);
            };
        }
    }

    /** The finest grain a peer keeps: every total the ledger answers is a sum of these. */
    record Key(String district, String sector, EventKind kind, String currency) {

        static Key of(final LedgerEvent event) {
            return new Key(event.district(), event.sector(), event.kind(), event.amount().currency());
        }
    }

    /** Events and the two figures of one key; exact, in the currency of the key. */
    static final class Sums {
        private long events;
        private BigDecimal amount = BigDecimal.ZERO;
        private BigDecimal extra = BigDecimal.ZERO;

        Sums() {
        }

        Sums(final long events, final BigDecimal amount, final BigDecimal extra) {
            this.events = events;
            this.amount = amount;
            this.extra = extra;
        }

        void add(final LedgerEvent event) {
            events++;
            amount = amount.add(event.amount().value());
            final BigDecimal second = PeerTotals.extra(event);
            if (second != null) {
                extra = extra.add(second);
            }
        }

        void add(final Sums other) {
            events += other.events;
            amount = amount.add(other.amount);
            extra = extra.add(other.extra);
        }

        long events() {
            return events;
        }

        BigDecimal amount() {
            return amount;
        }

        BigDecimal extra() {
            return extra;
        }

        /** Same counts, same values (the scales may differ: PostgreSQL's numeric keeps its own). */
        boolean sameAs(final Sums other) {
            return events == other.events && amount.compareTo(other.amount) == 0 && extra.compareTo(other.extra) == 0;
        }

        @Override
        public String toString() {
            return events + " events, " + amount.toPlainString() + " / " + extra.toPlainString();
        }
    }

    private final Map<Key, Sums> sums = new HashMap<>();
    private long unreadable;

    /** Every record of {@code data} that decodes, summed. */
    static PeerTotals of(final EncodedEvents data, final EventCodec codec) {
        final PeerTotals totals = new PeerTotals();
        for (int i = 0; i < data.size(); i++) {
            totals.add(data.value(i), codec);
        }
        return totals;
    }

    /** The second figure the ledger sums of an event: the within-year plan, or the enterprise's matching; else null. */
    static BigDecimal extra(final LedgerEvent event) {
        final Amount extra = event.kind() == EventKind.GROUNDBREAKING ? event.plannedWithinYear() : event.matching();
        return extra == null ? null : extra.value();
    }

    static String cell(final String district, final String sector) {
        return district + "|" + sector;
    }

    void add(final byte[] value, final EventCodec codec) {
        final LedgerEvent event;
        try {
            event = codec.decode(value);
        } catch (final UnreadableEventException e) {
            unreadable++;
            return;
        }
        sums.computeIfAbsent(Key.of(event), k -> new Sums()).add(event);
    }

    long unreadable() {
        return unreadable;
    }

    long events() {
        return sums.values().stream().mapToLong(Sums::events).sum();
    }

    Map<Key, Sums> byKey() {
        return sums;
    }

    /** The sums at one level, keyed {@code group/kind/currency}. */
    Map<String, Sums> at(final Level level) {
        final Map<String, Sums> rolled = new TreeMap<>();
        sums.forEach((key, value) -> rolled.computeIfAbsent(
                figureKey(level.group(key.district(), key.sector()), key.kind(), key.currency()), k -> new Sums()).add(value));
        return rolled;
    }

    /** The city-wide sums of figures of any one level (each group's figures added up). */
    static Map<String, Sums> summary(final Map<String, Sums> figures) {
        final Map<String, Sums> summary = new TreeMap<>();
        figures.forEach((key, sums) -> summary.computeIfAbsent("/" + key.substring(key.indexOf('/') + 1),
                k -> new Sums()).add(sums));
        return summary;
    }

    static String figureKey(final String group, final EventKind kind, final String currency) {
        return group + "/" + kind.name() + "/" + currency;
    }

    /** How {@code actual} differs from {@code expected} (a few examples, and how many); empty when equal. */
    static List<String> differences(final String what, final Map<String, Sums> expected, final Map<String, Sums> actual) {
        final List<String> wrong = new ArrayList<>();
        expected.forEach((key, sums) -> {
            final Sums got = actual.get(key);
            if (got == null || !got.sameAs(sums)) {
                wrong.add(key + " expected " + sums + " got " + got);
            }
        });
        actual.keySet().stream().filter(key -> !expected.containsKey(key)).forEach(key -> wrong.add(key + " unexpected"));
        if (wrong.isEmpty()) {
            return List.of();
        }
        final List<String> shown = new ArrayList<>(wrong.subList(0, Math.min(3, wrong.size())));
        shown.add(0, what + ": " + wrong.size() + " of " + expected.size() + " figures differ");
        return List.of(String.join("; ", shown));
    }
}
