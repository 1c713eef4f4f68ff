package org.cityledger.bench;

import java.io.PrintStream;

/**
 * A data set drawn and encoded before it is timed, so that producing measures Kafka and not the
 * generator or Avro (as kafka-producer-perf-test sends prepared payloads).
 */
final class EncodedEvents {

    private final String[] keys;
    private final byte[][] values;
    private final byte[] countDeltas;
    private final long bytes;
    private final Oracle oracle;

    private EncodedEvents(final String[] keys, final byte[][] values, final byte[] countDeltas, final long bytes,
                          final Oracle oracle) {
        this.keys = keys;
        this.values = values;
        this.countDeltas = countDeltas;
        this.bytes = bytes;
        this.oracle = oracle;
    }

    static EncodedEvents draw(final EventGenerator generator, final int count, final PrintStream progressOut,
                              final String stage) {
        final String[] keys = new String[count];
        final byte[][] values = new byte[count][];
        final byte[] deltas = new byte[count];
        long bytes = 0;
        final Progress progress = count >= 100_000 ? Progress.of(progressOut, stage, "drawn", count) : null;
        for (int i = 0; i < count; i++) {
            final GeneratedEvent event = generator.next();
            keys[i] = event.key();
            values[i] = event.value();
            deltas[i] = (byte) event.countDelta();
            bytes += event.key().length() + event.value().length;
            if (progress != null && (i + 1) % 10_000 == 0) {
                progress.update(i + 1);
            }
        }
        return new EncodedEvents(keys, values, deltas, bytes, generator.oracle());
    }

    int size() {
        return keys.length;
    }

    String key(final int i) {
        return keys[i];
    }

    byte[] value(final int i) {
        return values[i];
    }

    /** 1 when the ledger's event count rises by one for this record. */
    int countDelta(final int i) {
        return countDeltas[i];
    }

    /** Keys (ASCII) and values together: the payload bytes the cluster carries. */
    long bytes() {
        return bytes;
    }

    Oracle oracle() {
        return oracle;
    }
}
