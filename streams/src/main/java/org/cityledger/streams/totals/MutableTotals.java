package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.cityledger.domain.EventKind;

/**
 * The stream thread's working copy of one slice's totals. Updated in place for every event and
 * turned into an immutable {@link Totals} only when the store commits. An event touches eight of
 * these (four slices and their history period), so the layout is tuned for that: per kind a few
 * currencies in parallel arrays, searched linearly (a slice rarely sees more than two currencies),
 * instead of hash maps and boxed merges, which dominated profiles.
 */
public final class MutableTotals {

    private final Kind[] kinds = {new Kind(), new Kind(), new Kind()};
    /** Set while the totals have changes not yet handed to the store's commit. */
    private boolean dirty;

    private static final class Kind {
        long count;
        int currencies;
        String[] codes = new String[2];
        BigDecimal[] amounts = new BigDecimal[2];
        BigDecimal[] extras = new BigDecimal[2];

        int slot(final String currency) {
            for (int i = 0; i < currencies; i++) {
                // codes come from the same decoder strings most of the time: identity first
                if (codes[i] == currency || codes[i].equals(currency)) {
                    return i;
                }
            }
            if (currencies == codes.length) {
                codes = Arrays.copyOf(codes, currencies * 2);
                amounts = Arrays.copyOf(amounts, currencies * 2);
                extras = Arrays.copyOf(extras, currencies * 2);
            }
            codes[currencies] = currency;
            return currencies++;
        }

        Map<String, BigDecimal> map(final BigDecimal[] sums) {
            final Map<String, BigDecimal> map = new HashMap<>(4);
            for (int i = 0; i < currencies; i++) {
                if (sums[i] != null) {
                    map.put(codes[i], sums[i]);
                }
            }
            return map;
        }
    }

    public static MutableTotals of(final Totals totals) {
        final MutableTotals mutable = new MutableTotals();
        for (final EventKind kind : EventKind.values()) {
            final KindTotals source = totals.of(kind);
            final Kind target = mutable.kinds[kind.ordinal()];
            target.count = source.count();
            // slot() may grow the arrays, so it must run before the array is read
            source.amounts().forEach((currency, value) -> {
                final int slot = target.slot(currency);
                target.amounts[slot] = value;
            });
            source.extra().forEach((currency, value) -> {
                final int slot = target.slot(currency);
                target.extras[slot] = value;
            });
        }
        return mutable;
    }

    /** Adds ({@code sign} = 1) or removes ({@code sign} = -1) one event's contribution. */
    public void apply(final Contribution contribution, final int sign) {
        final Kind kind = kinds[contribution.kind().ordinal()];
        kind.count += sign;
        final int slot = kind.slot(contribution.currency());
        kind.amounts[slot] = add(kind.amounts[slot], contribution.amount(), sign);
        if (contribution.extra() != null) {
            kind.extras[slot] = add(kind.extras[slot], contribution.extra(), sign);
        }
    }

    private static BigDecimal add(final BigDecimal sum, final BigDecimal value, final int sign) {
        final BigDecimal delta = sign > 0 ? value : value.negate();
        return sum == null ? delta : sum.add(delta);
    }

    /** Marks the totals changed; true if they were not marked yet (the caller then queues them once). */
    public boolean markDirty() {
        if (dirty) {
            return false;
        }
        dirty = true;
        return true;
    }

    public Totals snapshot() {
        dirty = false;
        return new Totals(snapshot(kinds[0]), snapshot(kinds[1]), snapshot(kinds[2]));
    }

    private static KindTotals snapshot(final Kind kind) {
        if (kind.count == 0 && kind.currencies == 0) {
            return KindTotals.EMPTY;
        }
        return new KindTotals(kind.count, kind.map(kind.amounts), kind.map(kind.extras));
    }
}
