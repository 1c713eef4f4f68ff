package org.cityledger.streams;

import java.time.Instant;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;

/** Small valid events for tests; vary them with {@link LedgerEvent#toBuilder()}. */
public final class TestEvents {

    public static final Instant OCCURRED = Instant.parse("2022-02-10T01:30:00Z");

    private TestEvents() {
    }

    public static ProjectRef project(final String id) {
        return new ProjectRef(id, "Project " + id, "Company " + id, "strategic-emerging");
    }

    public static LedgerEvent signing(final String eventId, final String district, final String sector,
                                      final String value, final String currency) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId(eventId).occurredAt(OCCURRED).district(district)
                .sector(sector).project(project("P-" + eventId)).amount(Amount.of(value, currency)).build();
    }

    public static LedgerEvent groundbreaking(final String eventId, final String district, final String sector,
                                             final String value, final String planned) {
        return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId(eventId).occurredAt(OCCURRED).district(district)
                .sector(sector).project(project("P-" + eventId)).amount(Amount.of(value, "CNY"))
                .plannedWithinYear(Amount.of(planned, "CNY")).build();
    }

    public static LedgerEvent funding(final String eventId, final String district, final String sector,
                                      final String value, final String matching) {
        return LedgerEvent.builder(EventKind.FUNDING).eventId(eventId).occurredAt(OCCURRED).district(district)
                .sector(sector).project(project("P-" + eventId)).amount(Amount.of(value, "CNY"))
                .program("open-competition").matching(matching == null ? null : Amount.of(matching, "CNY")).build();
    }
}
