package org.cityledger.streams.totals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The working totals of one partition's slices per 30-day period of {@code occurredAt}
 * ({@link TotalsKey#PERIOD_MILLIS}): what as-of questions add up for the periods before the asked
 * instant. Stream thread only. Not changelogged: it is rebuilt from the partition's timeline when a
 * task opens, because writing it at every commit cost several records per event when events spread
 * over many periods.
 *
 * <p>Changes are queued until the next {@link #drainChanges}, which the store calls only while
 * someone asks as-of questions; in between they accumulate in the totals themselves.
 */
public final class PeriodHistory {

    private final Map<String, MutableTotals> byKey = new HashMap<>();
    private final Map<String, Map<String, CellHistory>> cells = new HashMap<>();
    private final List<Slot> changed = new ArrayList<>();

    /** Adds (sign 1) or takes back (sign -1) an event's change in its cell's four slices of {@code period}. */
    public void apply(final MutableTotals.Change change, final String district, final String sector, final long period) {
        for (final Slot slot : cell(district, sector).slots(period)) {
            slot.totals().apply(change);
            if (slot.totals().markDirty()) {
                changed.add(slot);
            }
        }
    }

    /** Every period total changed since the last call, as immutable snapshots keyed by history key. */
    public Map<String, Totals> drainChanges() {
        final Map<String, Totals> snapshots = new HashMap<>(changed.size() * 2);
        for (final Slot slot : changed) {
            snapshots.put(slot.key(), slot.totals().snapshot());
        }
        changed.clear();
        return snapshots;
    }

    public void clear() {
        byKey.clear();
        cells.clear();
        changed.clear();
    }

    private CellHistory cell(final String district, final String sector) {
        return cells.computeIfAbsent(district, d -> new HashMap<>())
                .computeIfAbsent(sector, s -> new CellHistory(district, sector));
    }

    /** One cell's four slices per period. Periods are dense (a ten-year horizon holds about 120), so an array by period. */
    private final class CellHistory {
        private final String district;
        private final String sector;
        private long firstPeriod;
        private Slot[][] periods = new Slot[0][];

        CellHistory(final String district, final String sector) {
            this.district = district;
            this.sector = sector;
        }

        Slot[] slots(final long period) {
            if (periods.length == 0) {
                firstPeriod = period;
                periods = new Slot[1][];
            } else if (period < firstPeriod) {
                final int shift = Math.toIntExact(firstPeriod - period);
                final Slot[][] grown = new Slot[periods.length + shift][];
                System.arraycopy(periods, 0, grown, shift, periods.length);
                periods = grown;
                firstPeriod = period;
            } else if (period - firstPeriod >= periods.length) {
                periods = Arrays.copyOf(periods, Math.toIntExact(period - firstPeriod + 1));
            }
            final int index = Math.toIntExact(period - firstPeriod);
            Slot[] slots = periods[index];
            if (slots == null) {
                slots = SliceTotals.slots(byKey, TotalsKey.histories(district, sector, period));
                periods[index] = slots;
            }
            return slots;
        }
    }
}
