package org.cityledger.streams.query;

/** An as-of instant before the ledger's horizon: events that old are no longer kept one by one. */
public final class AsOfOutOfRangeException extends RuntimeException {

    public AsOfOutOfRangeException(final String message) {
        super(message);
    }
}
