package org.cityledger.bench;

import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.totals.Totals;

/**
 * The city-wide totals of a running ledger node, read in-process through the same service its
 * HTTP API answers from. The one place in the harness that knows the totals service's API, so that
 * a change there is a change here only ({@link LedgerCluster} knows how instances name themselves
 * and which one owns a key).
 */
final class LedgerTotals implements EventCount {

    private final TotalsService service;

    LedgerTotals(final LedgerNode node) {
        this.service = node.totals();
    }

    /**
     * @throws org.cityledger.streams.query.QueryUnavailableException while the ledger starts or rebalances
     */
    Totals summary() {
        return service.summary(Ask.NOW).value().totals();
    }

    @Override
    public long events() {
        return summary().events();
    }
}
