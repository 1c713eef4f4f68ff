package org.cityledger.streams.query;

/**
 * The totals cannot be answered completely right now (the ledger is starting, restoring or
 * rebalancing). Callers answer 503 and ask the client to retry; a partial sum is never returned.
 */
public final class QueryUnavailableException extends RuntimeException {

    public QueryUnavailableException(final String message) {
        super(message);
    }

    public QueryUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
