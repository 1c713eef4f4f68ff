package org.cityledger.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.EventCodec;

/**
 * What a district office publishes in the harness: new, valid events of its own district's projects
 * (the main mix's amounts, kinds and times), in the ingest format the API and {@code ledger publish}
 * read. Only new events: a batch with an invalid one is refused whole, and duplicates and
 * corrections would make the events/s of a case depend on which of them it drew. Not thread-safe.
 */
final class OfficeEvents {

    private final EventCodec codec;
    private final EventGenerator generator;

    /**
     * @param dataset short name, part of every event id: two data sets never share an id
     */
    OfficeEvents(final EventCodec codec, final ProjectCatalog catalog, final long seed, final String dataset,
                 final String district) {
        this.codec = codec;
        this.generator = new EventGenerator(codec, catalog.ofDistrict(district), seed, dataset, 0, 1);
    }

    /** The next new event, as the ledger would decode it. */
    LedgerEvent next() {
        while (true) {
            final GeneratedEvent drawn = generator.next();
            if (drawn.category() == GeneratedEvent.Category.NEW) {
                return codec.decode(drawn.value());
            }
        }
    }

    /** One event in the ingest format, without {@code source}: the ledger sets it from the office's token. */
    static String json(final IngestJson json, final LedgerEvent event) {
        return json.write(event.source() == null ? event : event.toBuilder().source(null).build());
    }

    /** A request body: one event as a JSON object, several as a JSON array, UTF-8. */
    static byte[] body(final List<String> events) {
        if (events.isEmpty()) {
            throw new IllegalArgumentException("a request needs an event");
        }
        return (events.size() == 1 ? events.get(0) : "[" + String.join(",", events) + "]").getBytes(StandardCharsets.UTF_8);
    }
}
