package org.cityledger.producers;

/**
 * Sends failed after the producer's own retries gave up. Carries how many, with the first failure as
 * the cause: when a broker is unreachable every send fails the same way, and the first says why.
 */
public final class PublishException extends RuntimeException {

    private final long failedCount;

    public PublishException(final long failedCount, final Throwable firstCause) {
        super(failedCount + (failedCount == 1 ? " event was" : " events were") + " not published; first cause: "
                + firstCause, firstCause);
        this.failedCount = failedCount;
    }

    /** Events not published, at least one. */
    public long failedCount() {
        return failedCount;
    }
}
