package org.cityledger.streams.state;

/** The as-of history of a partition was not published within the wait: ask again. */
public final class HistoryNotReadyException extends RuntimeException {

    public HistoryNotReadyException(final String message) {
        super(message);
    }
}
