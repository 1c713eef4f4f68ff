package org.cityledger.bench;

/** How many events the ledger shows as counted, city-wide, wherever that is read from. */
@FunctionalInterface
interface EventCount {

    /**
     * @throws org.cityledger.streams.query.QueryUnavailableException while the count cannot be read (a rebalance)
     */
    long events();
}
