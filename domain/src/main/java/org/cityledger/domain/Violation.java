package org.cityledger.domain;

/** Why an event was refused: the field (dotted path, as in the ingest JSON) and the reason. */
public record Violation(String field, String reason) {

    @Override
    public String toString() {
        return field + ": " + reason;
    }
}
