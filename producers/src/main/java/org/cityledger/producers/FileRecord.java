package org.cityledger.producers;

import java.util.List;
import java.util.Objects;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;

/**
 * One event line of a file, or one CSV row: where it starts, the event read from it or why none could
 * be, and the record as it was written, so a rejects file can give it back to the office unchanged.
 *
 * @param line       1-based physical line the record starts on (a CSV row whose quoted cell holds
 *                   line breaks spans several lines)
 * @param event      the event, null when {@code violations} is not empty
 * @param violations why the record was refused, empty when {@code event} is set
 * @param raw        the record as read: the line's text for JSON lines, the row's cells for CSV
 */
public record FileRecord(int line, LedgerEvent event, List<Violation> violations, List<String> raw) {

    public FileRecord {
        violations = List.copyOf(violations);
        raw = List.copyOf(raw);
        if ((event == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("a record has an event or violations, not both or neither");
        }
    }

    static FileRecord good(final int line, final LedgerEvent event, final List<String> raw) {
        return new FileRecord(line, Objects.requireNonNull(event, "event"), List.of(), raw);
    }

    static FileRecord bad(final int line, final List<Violation> violations, final List<String> raw) {
        return new FileRecord(line, null, violations, raw);
    }

    public boolean isValid() {
        return event != null;
    }
}
