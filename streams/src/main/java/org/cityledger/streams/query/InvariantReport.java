package org.cityledger.streams.query;

import java.util.List;

/**
 * The ledger's invariant, checked: for every kind, figure and currency, the summary equals the sum
 * over districts, over sectors, and over district × sector cells.
 *
 * @param figuresChecked how many (kind, figure, currency) combinations were compared
 * @param mismatches     the figures that disagree, empty when the invariant holds
 */
public record InvariantReport(int figuresChecked, List<Mismatch> mismatches) {

    public boolean holds() {
        return mismatches.isEmpty();
    }

    /** One figure (e.g. {@code signing.amounts.CNY}) and its four sums. */
    public record Mismatch(String figure, String summary, String districts, String sectors, String cells) {
    }
}
