package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.math.RoundingMode;
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
        final Sums amounts = new Sums();
        final Sums extras = new Sums();

        int slot(final String currency) {
            for (int i = 0; i < currencies; i++) {
                // codes come from the same decoder strings most of the time: identity first
                if (codes[i] == currency || codes[i].equals(currency)) {
                    return i;
                }
            }
            if (currencies == codes.length) {
                codes = Arrays.copyOf(codes, currencies * 2);
                amounts.grow(currencies * 2);
                extras.grow(currencies * 2);
            }
            codes[currencies] = currency;
            return currencies++;
        }

        Map<String, BigDecimal> map(final Sums sums) {
            final Map<String, BigDecimal> map = new HashMap<>(4);
            for (int i = 0; i < currencies; i++) {
                final BigDecimal sum = sums.value(i);
                if (sum != null) {
                    map.put(codes[i], sum);
                }
            }
            return map;
        }
    }

    /**
     * One figure per currency slot: a long ({@link Units}) while every value added fits, a
     * {@link BigDecimal} from the first that does not (or the first overflow). The snapshot has the
     * scale {@link BigDecimal#add} would have given: the largest scale added.
     */
    private static final class Sums {
        private static final int NONE_ADDED = Integer.MIN_VALUE;

        long[] units = new long[2];
        BigDecimal[] exact = new BigDecimal[2];
        int[] scales = {NONE_ADDED, NONE_ADDED};

        void grow(final int size) {
            final int old = units.length;
            units = Arrays.copyOf(units, size);
            exact = Arrays.copyOf(exact, size);
            scales = Arrays.copyOf(scales, size);
            Arrays.fill(scales, old, size, NONE_ADDED);
        }

        void add(final int slot, final BigDecimal value, final long valueUnits, final int sign) {
            if (value.scale() > scales[slot]) {
                scales[slot] = value.scale();
            }
            if (exact[slot] == null) {
                if (valueUnits != Units.NOT_REPRESENTABLE) {
                    final long sum = sign > 0 ? units[slot] + valueUnits : units[slot] - valueUnits;
                    // overflow iff both operands of the addition have the sign the result lacks
                    final long addend = sign > 0 ? valueUnits : -valueUnits;
                    if (((units[slot] ^ sum) & (addend ^ sum)) >= 0 && sum != Units.NOT_REPRESENTABLE) {
                        units[slot] = sum;
                        return;
                    }
                }
                exact[slot] = Units.toDecimal(units[slot]);
            }
            exact[slot] = sign > 0 ? exact[slot].add(value) : exact[slot].subtract(value);
        }

        void set(final int slot, final BigDecimal value) {
            scales[slot] = value.scale();
            final long valueUnits = Units.of(value);
            if (valueUnits == Units.NOT_REPRESENTABLE) {
                exact[slot] = value;
            } else {
                exact[slot] = null;
                units[slot] = valueUnits;
            }
        }

        /** The sum, or null if nothing was ever added in this slot. */
        BigDecimal value(final int slot) {
            if (scales[slot] == NONE_ADDED) {
                return null;
            }
            final BigDecimal sum = exact[slot] != null ? exact[slot] : Units.toDecimal(units[slot]);
            return sum.setScale(scales[slot], RoundingMode.UNNECESSARY);
        }
    }

    public static MutableTotals of(final Totals totals) {
        final MutableTotals mutable = new MutableTotals();
        for (final EventKind kind : EventKind.values()) {
            final KindTotals source = totals.of(kind);
            final Kind target = mutable.kinds[kind.ordinal()];
            target.count = source.count();
            // slot() may grow the arrays, so it must run before the array is read
            source.amounts().forEach((currency, value) -> target.amounts.set(target.slot(currency), value));
            source.extra().forEach((currency, value) -> target.extras.set(target.slot(currency), value));
        }
        return mutable;
    }

    /**
     * One event's contribution, ready to be added to (or taken from) several totals: the long forms
     * of its amounts are worked out once, not in each of the eight totals an event updates.
     */
    public static final class Change {
        private final Contribution contribution;
        private final int sign;
        private final long amountUnits;
        private final long extraUnits;

        private Change(final Contribution contribution, final int sign) {
            this.contribution = contribution;
            this.sign = sign;
            this.amountUnits = Units.of(contribution.amount());
            this.extraUnits = contribution.extra() == null ? 0 : Units.of(contribution.extra());
        }
    }

    /** {@code sign} = 1 adds the contribution, -1 takes it back. */
    public static Change change(final Contribution contribution, final int sign) {
        return new Change(contribution, sign);
    }

    /** Adds ({@code sign} = 1) or removes ({@code sign} = -1) one event's contribution. */
    public void apply(final Contribution contribution, final int sign) {
        apply(change(contribution, sign));
    }

    public void apply(final Change change) {
        final Contribution contribution = change.contribution;
        final Kind kind = kinds[contribution.kind().ordinal()];
        kind.count += change.sign;
        final int slot = kind.slot(contribution.currency());
        kind.amounts.add(slot, contribution.amount(), change.amountUnits, change.sign);
        if (contribution.extra() != null) {
            kind.extras.add(slot, contribution.extra(), change.extraUnits, change.sign);
        }
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
