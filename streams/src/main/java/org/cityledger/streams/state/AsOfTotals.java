package org.cityledger.streams.state;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * A partition's totals as of an instant T: the whole periods before T's period from the committed
 * history, plus the events of T's own period up to T from the partition's timeline. The timeline is read
 * at the history's committed offset, so entries that an open transaction added (or a correction in
 * it removed) are left as the last commit had them: history and timeline agree on one commit.
 */
public final class AsOfTotals {

    private AsOfTotals() {
    }

    /**
     * @param samePeriod the timeline's entries of T's period up to T ({@link AuditIndex#timelineFrom} of the
     *                   period's start to {@link AuditIndex#timelineTo} T)
     * @return slice key → totals, for the slices whose keys start with {@code prefix}
     */
    public static Map<String, Totals> of(final HistorySnapshot history, final String prefix, final long asOfMillis,
                                         final Iterator<SliceEvent> samePeriod) {
        final long period = TotalsKey.period(asOfMillis);
        final String historyPrefix = TotalsKey.HISTORY_PREFIX + prefix;
        final Map<String, Totals> sums = new HashMap<>();
        history.periods().forEach((key, totals) -> {
            if (key.startsWith(historyPrefix) && TotalsKey.historyPeriod(key) < period) {
                sums.merge(TotalsKey.historySlice(key), totals, Totals::plus);
            }
        });
        final Map<String, MutableTotals> partial = new HashMap<>();
        while (samePeriod.hasNext()) {
            final SliceEvent entry = samePeriod.next();
            if (entry.occurredAt() > asOfMillis || !entry.countsAt(history.committedOffset())) {
                continue;
            }
            final Contribution c = entry.contribution();
            for (final String slice : TotalsKey.slices(c.district(), c.sector())) {
                if (slice.startsWith(prefix)) {
                    partial.computeIfAbsent(slice, k -> new MutableTotals()).apply(c, 1);
                }
            }
        }
        partial.forEach((slice, totals) -> sums.merge(slice, totals.snapshot(), Totals::plus));
        return sums;
    }
}
