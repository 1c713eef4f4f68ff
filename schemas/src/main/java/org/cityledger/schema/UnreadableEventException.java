package org.cityledger.schema;

/** The bytes are not a ledger event this build can read (not our Avro, unknown schema, corrupt). */
public final class UnreadableEventException extends RuntimeException {

    public UnreadableEventException(final String message) {
        super(message);
    }

    public UnreadableEventException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
