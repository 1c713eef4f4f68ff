package org.cityledger.bench;

/**
 * One record as it goes to the events topic: key, Avro bytes, and what the ledger should make of it.
 *
 * @param key        the Kafka record key (the project id, except for the invalid records that test the key rule)
 * @param value      the record value, as the ledger's publishers write it (or garbage)
 * @param category   why the record is there
 * @param countDelta by how much the ledger's event count rises when it counts this record (1 or 0)
 */
record GeneratedEvent(String key, byte[] value, Category category, int countDelta) {

    /** What a record is, and so what the ledger must do with it. */
    enum Category {
        /** A new valid fact: counted once. */
        NEW,
        /** The same bytes as an earlier record: dropped. */
        DUPLICATE,
        /** A valid fact replacing an earlier one of the same project and kind: the earlier one is taken out. */
        CORRECTION,
        /** Readable but breaking a rule (unknown code, bad amount, wrong key): dead-lettered. */
        INVALID,
        /** Not a ledger event at all: dead-lettered as unreadable. */
        GARBAGE
    }
}
