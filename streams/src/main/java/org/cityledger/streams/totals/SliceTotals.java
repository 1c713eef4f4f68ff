package org.cityledger.streams.totals;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The working totals of one partition's slices: the summary, each district, each sector and each
 * district × sector cell. Stream thread only. An event updates four slices, so each cell keeps its
 * four slots at hand instead of looking four keys up per event; the slices changed since the last
 * {@link #drainChanges} are queued once each, and only they are written at a commit.
 */
public final class SliceTotals {

    private final Map<String, MutableTotals> byKey = new HashMap<>();
    /** district → sector → the four slots an event of that cell updates. */
    private final Map<String, Map<String, Slot[]>> cells = new HashMap<>();
    private final List<Slot> changed = new ArrayList<>();

    /** Puts restored totals back (when a task opens); they are committed, so not queued as changes. */
    public void restore(final String key, final Totals totals) {
        byKey.put(key, MutableTotals.of(totals));
        // cells point at slots that the restored objects replace
        cells.clear();
    }

    /** Adds (or, with a negative sign, takes back) one event's change in the four slices of its cell. */
    public void apply(final MutableTotals.Change change, final String district, final String sector) {
        for (final Slot slot : cell(district, sector)) {
            slot.totals().apply(change);
            if (slot.totals().markDirty()) {
                changed.add(slot);
            }
        }
    }

    public boolean hasChanges() {
        return !changed.isEmpty();
    }

    /** Hands every slice changed since the last call to {@code sink}, as an immutable snapshot. */
    public void drainChanges(final BiConsumer<String, Totals> sink) {
        for (final Slot slot : changed) {
            sink.accept(slot.key(), slot.totals().snapshot());
        }
        changed.clear();
    }

    /** Forgets everything: the task's committed totals are loaded again with {@link #restore}. */
    public void clear() {
        byKey.clear();
        cells.clear();
        changed.clear();
    }

    private Slot[] cell(final String district, final String sector) {
        final Map<String, Slot[]> ofDistrict = cells.computeIfAbsent(district, d -> new HashMap<>());
        Slot[] slots = ofDistrict.get(sector);
        if (slots == null) {
            slots = slots(byKey, TotalsKey.slices(district, sector));
            ofDistrict.put(sector, slots);
        }
        return slots;
    }

    static Slot[] slots(final Map<String, MutableTotals> totals, final String[] keys) {
        final Slot[] slots = new Slot[keys.length];
        for (int i = 0; i < keys.length; i++) {
            slots[i] = new Slot(keys[i], totals.computeIfAbsent(keys[i], k -> new MutableTotals()));
        }
        return slots;
    }
}
