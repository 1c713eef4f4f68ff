package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import org.cityledger.domain.EventKind;

/**
 * The stream thread's working copy of one slice's totals. Updated in place for every event (no
 * allocation of immutable copies on the hot path) and turned into an immutable {@link Totals}
 * only when the store commits.
 */
public final class MutableTotals {

    private final Kind[] kinds = {new Kind(), new Kind(), new Kind()};

    private static final class Kind {
        long count;
        final Map<String, BigDecimal> amounts = new HashMap<>(4);
        final Map<String, BigDecimal> extra = new HashMap<>(4);
    }

    public static MutableTotals of(final Totals totals) {
        final MutableTotals mutable = new MutableTotals();
        for (final EventKind kind : EventKind.values()) {
            final KindTotals source = totals.of(kind);
            final Kind target = mutable.kinds[kind.ordinal()];
            target.count = source.count();
            target.amounts.putAll(source.amounts());
            target.extra.putAll(source.extra());
        }
        return mutable;
    }

    /** Adds ({@code sign} = 1) or removes ({@code sign} = -1) one event's contribution. */
    public void apply(final Contribution contribution, final int sign) {
        final Kind kind = kinds[contribution.kind().ordinal()];
        kind.count += sign;
        add(kind.amounts, contribution.currency(), contribution.amount(), sign);
        if (contribution.extra() != null) {
            add(kind.extra, contribution.currency(), contribution.extra(), sign);
        }
    }

    private static void add(final Map<String, BigDecimal> sums, final String currency, final BigDecimal value,
                            final int sign) {
        final BigDecimal delta = sign > 0 ? value : value.negate();
        sums.merge(currency, delta, BigDecimal::add);
    }

    public Totals snapshot() {
        return new Totals(snapshot(kinds[0]), snapshot(kinds[1]), snapshot(kinds[2]));
    }

    private static KindTotals snapshot(final Kind kind) {
        if (kind.count == 0 && kind.amounts.isEmpty() && kind.extra.isEmpty()) {
            return KindTotals.EMPTY;
        }
        return new KindTotals(kind.count, kind.amounts, kind.extra);
    }
}
