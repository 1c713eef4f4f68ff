package org.cityledger.streams.query;

/** A question the ledger cannot answer as asked: names the parameter and the reason. */
public final class BadQueryException extends RuntimeException {

    private final String field;

    public BadQueryException(final String field, final String reason) {
        super(field + ": " + reason);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
