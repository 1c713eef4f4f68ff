package org.cityledger.bench;

import java.util.ArrayList;
import java.util.List;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;

/**
 * An event the generator knows the ledger counted, by project and event id: a key the ledger must
 * answer {@code 200} for at {@code /api/projects/{project}/events/{event}} (a later correction only
 * marks it corrected there).
 */
record CountedEvent(String projectId, String eventId) {

    static final String PATH_PATTERN = "/api/projects/{project}/events/{event}";

    String path() {
        return "/api/projects/" + projectId + "/events/" + eventId;
    }

    /**
     * Up to {@code max} new valid events of {@code data}, taken at even steps through it, so that the
     * sample covers the whole data set and so every partition. Decoded here, outside any timed stage.
     */
    static List<CountedEvent> sample(final EncodedEvents data, final EventCodec codec, final int max) {
        final int step = Math.max(1, data.size() / max);
        final List<CountedEvent> sample = new ArrayList<>(max);
        for (int i = 0; i < data.size() && sample.size() < max; i += step) {
            // a count delta of 1 is a new valid fact; the others are duplicates, corrections or invalid
            if (data.countDelta(i) == 1) {
                final LedgerEvent event = codec.decode(data.value(i));
                sample.add(new CountedEvent(event.project().id(), event.eventId()));
            }
        }
        return sample;
    }
}
