package org.cityledger.producers;

import java.util.List;
import java.util.stream.Collectors;
import org.cityledger.domain.Violation;

/**
 * An event was refused before it reached the ledger: malformed ingest JSON or a broken
 * {@link org.cityledger.domain.EventRules} rule. Carries every violation found, not only the first,
 * so that an office can fix a record in one go.
 */
public final class IngestException extends RuntimeException {

    private final transient List<Violation> violations;

    /**
     * @param violations at least one; the message lists them as {@code field: reason}
     */
    public IngestException(final List<Violation> violations) {
        this("event refused", violations);
    }

    /**
     * @param subject    what was refused, e.g. {@code "event demo-sign-001 refused"}; starts the message
     * @param violations at least one; the message lists them as {@code field: reason}
     */
    public IngestException(final String subject, final List<Violation> violations) {
        super(subject + ": " + describe(violations));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an IngestException needs at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    /** Every violation, in the order found; never empty. */
    public List<Violation> violations() {
        return violations;
    }

    private static String describe(final List<Violation> violations) {
        return violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
