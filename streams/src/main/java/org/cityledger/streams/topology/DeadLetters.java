package org.cityledger.streams.topology;

/**
 * Header names of a dead-letter record. Its key and value are the original record's, byte for
 * byte, so nothing accepted onto the events topic is ever lost; the headers say why it was refused
 * and where it came from.
 */
public final class DeadLetters {

    /** The reason, e.g. {@code invalid: amount.value: must not be negative}. */
    public static final String REASON = "ledger.reason";
    public static final String EVENT_ID = "ledger.event-id";
    public static final String SOURCE_TOPIC = "ledger.source.topic";
    public static final String SOURCE_PARTITION = "ledger.source.partition";
    public static final String SOURCE_OFFSET = "ledger.source.offset";
    /** Epoch milliseconds at which the ledger refused the record. */
    public static final String REJECTED_AT = "ledger.rejected-at";

    public static final String CONFLICTING_DUPLICATE = "conflicting duplicate";

    private DeadLetters() {
    }
}
