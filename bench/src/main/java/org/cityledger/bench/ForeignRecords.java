package org.cityledger.bench;

import java.util.Random;

/**
 * Records that are not the ledger's at all: random bytes under random project keys, as a
 * misconfigured publisher would send them. Every one must become a dead letter, and a flood of them
 * must leave the ledger's heap as it was (issue 9: no store grows in memory with the records it
 * refuses).
 */
final class ForeignRecords {

    private final Random random;
    private final int projects;

    ForeignRecords(final long seed, final int projects) {
        this.random = new Random(seed);
        this.projects = projects;
    }

    String key() {
        return "foreign-" + random.nextInt(projects);
    }

    /** 64 to 320 random bytes whose first byte is never the Avro single-object marker (0xC3). */
    byte[] value() {
        final byte[] value = new byte[64 + random.nextInt(257)];
        random.nextBytes(value);
        if (value[0] == (byte) 0xC3) {
            value[0] = 'x';
        }
        return value;
    }

    /** What the records are, for the run's notes. */
    static String describe() {
        return "random bytes, not Avro";
    }
}
