package org.cityledger.producers;

import java.util.List;

/**
 * The columns of the ingest format's CSV form: the ingest fields, nested ones dotted, in the order
 * files are written with them (a rejects file, an audit export). Readers take them in any order.
 */
public final class CsvColumns {

    public static final List<String> EVENT = List.of("eventId", "type", "occurredAt", "district", "sector",
            "project.id", "project.name", "project.company", "project.category", "amount.value", "amount.currency",
            "plannedWithinYear.value", "plannedWithinYear.currency", "program", "matching.value", "matching.currency",
            "corrects", "source");

    /** Columns named so are read past: what an audit export adds after the event's. */
    public static final String AUDIT_PREFIX = "audit.";

    private CsvColumns() {
    }
}
