package org.cityledger.streams.totals;

import java.util.EnumMap;
import java.util.Map;
import org.cityledger.domain.EventKind;

/**
 * Running totals for one slice of the city (everything, a district, a sector, or a district and a
 * sector), per event kind. Immutable: safe to hand to query threads.
 */
public record Totals(KindTotals signing, KindTotals groundbreaking, KindTotals funding) {

    public static final Totals EMPTY = new Totals(KindTotals.EMPTY, KindTotals.EMPTY, KindTotals.EMPTY);

    public KindTotals of(final EventKind kind) {
        return switch (kind) {
            case SIGNING -> signing;
            case GROUNDBREAKING -> groundbreaking;
            case FUNDING -> funding;
        };
    }

    /** Number of counted events of all kinds. */
    public long events() {
        return signing.count() + groundbreaking.count() + funding.count();
    }

    public boolean isEmpty() {
        return signing.isEmpty() && groundbreaking.isEmpty() && funding.isEmpty();
    }

    public Totals plus(final Totals other) {
        return new Totals(signing.plus(other.signing), groundbreaking.plus(other.groundbreaking),
                funding.plus(other.funding));
    }

    public Map<EventKind, KindTotals> byKind() {
        final Map<EventKind, KindTotals> byKind = new EnumMap<>(EventKind.class);
        for (final EventKind kind : EventKind.values()) {
            byKind.put(kind, of(kind));
        }
        return byKind;
    }
}
