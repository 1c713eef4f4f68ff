package org.cityledger.streams.state;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.cityledger.streams.totals.Totals;

/**
 * One partition's per-period totals ({@code H|<slice>@<period>} → totals) as of the committed input
 * offset {@code committedOffset}: what as-of questions add up for the periods before the asked instant.
 */
public record HistorySnapshot(long committedOffset, Map<String, Totals> periods) {

    public HistorySnapshot {
        periods = Collections.unmodifiableMap(periods);
    }

    /** A copy with {@code changes} applied, as of {@code offset}. */
    HistorySnapshot next(final long offset, final Map<String, Totals> changes) {
        if (changes.isEmpty()) {
            return new HistorySnapshot(offset, periods);
        }
        final Map<String, Totals> copy = new HashMap<>(periods);
        copy.putAll(changes);
        return new HistorySnapshot(offset, copy);
    }
}
