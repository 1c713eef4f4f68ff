package org.cityledger.streams.state;

import java.util.Map;
import org.apache.kafka.streams.query.Query;
import org.cityledger.streams.totals.Totals;

/**
 * Interactive query (IQv2) for the committed partial totals of one partition whose keys start with
 * a prefix, e.g. {@code "D|"} for all districts, as they stand now ({@code asOfMillis} null) or
 * counting only events that occurred at or before {@code asOfMillis}.
 */
public record TotalsQuery(String prefix, Long asOfMillis) implements Query<Map<String, Totals>> {

    public static TotalsQuery current(final String prefix) {
        return new TotalsQuery(prefix, null);
    }
}
