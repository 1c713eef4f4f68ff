package org.cityledger.schema;

/** Topic names, shared by producers, the topology, the launcher and the tests. */
public final class Topics {

    /** All ledger events, the three kinds together, keyed by project id. */
    public static final String EVENTS = "ledger.events";

    /** Records the ledger refused, with the original bytes and the reason in headers. */
    public static final String DEAD_LETTERS = "ledger.dead-letters";

    /** Partitions of {@link #EVENTS}: the unit of parallelism across ledger nodes. */
    public static final int DEFAULT_PARTITIONS = 6;

    private Topics() {
    }
}
