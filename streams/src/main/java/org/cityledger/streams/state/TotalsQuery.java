package org.cityledger.streams.state;

import java.util.Map;
import org.apache.kafka.streams.query.Query;
import org.cityledger.streams.totals.Totals;

/**
 * Interactive query (IQv2) for the committed partial totals of one partition whose keys start with
 * a prefix, e.g. {@code "D|"} for all districts. As-of totals are {@link HistoryQuery} plus the
 * partition's timeline ({@link AsOfTotals}).
 */
public record TotalsQuery(String prefix) implements Query<Map<String, Totals>> {
}
