package org.cityledger.bench;

import java.util.ArrayList;
import java.util.List;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;

/** Valid events of the harness's data, for the micro-benchmarks. */
final class Samples {

    /** A power of two, so a cursor wraps with a mask. */
    static final int SIZE = 4096;

    private static final long SEED = 20_220_210L;

    private Samples() {
    }

    /** {@link #SIZE} new valid events, decoded from the bytes the harness would send. */
    static List<LedgerEvent> events(final EventCodec codec) {
        return events(codec, SIZE);
    }

    /** {@code count} new valid events, decoded from the bytes the harness would send. */
    static List<LedgerEvent> events(final EventCodec codec, final int count) {
        final EventGenerator generator = new EventGenerator(codec, ProjectCatalog.create(SEED, 50_000), SEED, "jmh", 0, 1);
        final List<LedgerEvent> events = new ArrayList<>(count);
        while (events.size() < count) {
            final GeneratedEvent event = generator.next();
            if (event.category() == GeneratedEvent.Category.NEW) {
                events.add(codec.decode(event.value()));
            }
        }
        return events;
    }
}
