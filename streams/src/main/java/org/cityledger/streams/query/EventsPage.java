package org.cityledger.streams.query;

import java.util.Comparator;
import java.util.List;
import org.cityledger.streams.state.SliceEvent;

/**
 * A page of counted events in order of occurrence then event id, and whether more follow.
 *
 * @param events the page
 * @param more   whether events follow the last one (then it is the next page's cursor)
 */
public record EventsPage(List<SliceEvent> events, boolean more) {

    /** The order pages are in: occurrence, then event id, then project (an id counts once per partition, not per ledger). */
    public static final Comparator<SliceEvent> ORDER = Comparator.comparingLong(SliceEvent::occurredAt)
            .thenComparing(SliceEvent::eventId).thenComparing(SliceEvent::project);
}
