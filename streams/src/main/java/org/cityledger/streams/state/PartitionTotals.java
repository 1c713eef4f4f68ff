package org.cityledger.streams.state;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.cityledger.streams.totals.Totals;

/**
 * The committed totals of one partition, as one commit left them: immutable, so readers on any
 * thread use it without locks while the stream thread works on the next.
 *
 * @param sequence        the number of the commit that wrote it (0 before any)
 * @param committedOffset the last input offset it includes, or {@link #ALL_RESTORED} when restored
 *                        from a changelog that does not say
 * @param deadLetters     how many records of the partition the ledger refused through that offset
 * @param slices          slice key ({@code T}, {@code D|kunshan}, ...) to its totals
 */
public record PartitionTotals(long sequence, long committedOffset, long deadLetters, NavigableMap<String, Totals> slices) {

    /** Restored from a changelog that records no offset: everything in the event index is committed. */
    public static final long ALL_RESTORED = Long.MAX_VALUE;

    public static final PartitionTotals EMPTY = new PartitionTotals(0, -1, 0, Collections.emptyNavigableMap());

    public PartitionTotals {
        slices = Collections.unmodifiableNavigableMap(slices);
    }

    /** The slices whose keys start with {@code prefix}. */
    public NavigableMap<String, Totals> withPrefix(final String prefix) {
        return prefix.isEmpty() ? slices : slices.subMap(prefix, true, prefix + Character.MAX_VALUE, false);
    }

    /** A copy with {@code changes} applied: the next commit's totals. */
    PartitionTotals next(final long nextSequence, final long throughOffset, final long nextDeadLetters,
                         final NavigableMap<String, Totals> changes) {
        if (changes.isEmpty()) {
            return new PartitionTotals(nextSequence, throughOffset, nextDeadLetters, slices);
        }
        final TreeMap<String, Totals> copy = new TreeMap<>(slices);
        copy.putAll(changes);
        return new PartitionTotals(nextSequence, throughOffset, nextDeadLetters, copy);
    }
}
