package org.cityledger.streams.live;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The whole city at one moment: every partition's committed totals added up, slice by slice
 * (summary, districts, sectors, cells; not the as-of history), and which commit of each partition
 * they are as of. Immutable.
 *
 * @param commits per partition, the commit's sequence and the input offset it includes ("7@1234")
 * @param offsets per partition, the last input offset the totals include ({@link PartitionTotals#ALL_RESTORED}: unknown)
 * @param slices  slice key ({@code T}, {@code D|kunshan}, ...) to its totals; slices with nothing counted left out
 */
public record Picture(List<String> commits, List<Long> offsets, Map<String, Totals> slices) {

    public static final Picture EMPTY = new Picture(List.of(), List.of(), Map.of());

    public Picture {
        commits = List.copyOf(commits);
        offsets = List.copyOf(offsets);
        slices = Collections.unmodifiableMap(new TreeMap<>(slices));
    }

    /** The sum of every partition's committed totals, in partition order. */
    public static Picture of(final List<PartitionTotals> partitions) {
        final String[] commits = new String[partitions.size()];
        final Long[] offsets = new Long[partitions.size()];
        final Map<String, Totals> sum = new TreeMap<>();
        for (int p = 0; p < partitions.size(); p++) {
            final PartitionTotals partition = partitions.get(p);
            commits[p] = partition.sequence() + "@" + partition.committedOffset();
            offsets[p] = partition.committedOffset();
            partition.slices().forEach((key, totals) -> {
                if (isLiveSlice(key) && !totals.isEmpty()) {
                    sum.merge(key, totals, Totals::plus);
                }
            });
        }
        return new Picture(List.of(commits), List.of(offsets), sum);
    }

    /** Whether any partition committed since {@code before}: only then can the totals differ. */
    public boolean movedSince(final Picture before) {
        return !commits.equals(before.commits);
    }

    /**
     * The slices whose totals differ from {@code before}'s, with their new totals ({@link Totals#EMPTY}
     * for a slice that no longer counts anything, e.g. after a correction moved its only event).
     */
    public Map<String, Totals> changedSince(final Picture before) {
        final TreeSet<String> keys = new TreeSet<>(slices.keySet());
        keys.addAll(before.slices.keySet());
        final Map<String, Totals> changed = new TreeMap<>();
        for (final String key : keys) {
            final Totals now = slices.getOrDefault(key, Totals.EMPTY);
            if (!Objects.equals(now, before.slices.getOrDefault(key, Totals.EMPTY))) {
                changed.put(key, now);
            }
        }
        return changed;
    }

    public Totals slice(final String key) {
        return slices.getOrDefault(key, Totals.EMPTY);
    }

    private static boolean isLiveSlice(final String key) {
        return TotalsKey.SUMMARY.equals(key) || key.startsWith(TotalsKey.DISTRICT_PREFIX)
                || key.startsWith(TotalsKey.SECTOR_PREFIX) || key.startsWith(TotalsKey.CELL_PREFIX);
    }
}
