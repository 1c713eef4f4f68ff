package org.cityledger.producers;

/**
 * Told how far a long publication has got. For {@link LedgerPublisher#publishAll} {@code done}
 * counts events handed to the producer, on the publishing thread (the final flush waits for their
 * acknowledgement); for a file's {@link EventDelivery} it counts events acknowledged, on whichever
 * thread heard of them.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param done  events handed over so far, 1 to {@code total}
     * @param total events in this publication
     */
    void onProgress(long done, long total);

    /** A listener that wants to hear nothing. */
    static ProgressListener none() {
        return (done, total) -> {
        };
    }

    /**
     * Passes on every {@code step}-th event and the last one, so that a file of a million lines does
     * not print a million progress lines.
     */
    static ProgressListener every(final long step, final ProgressListener target) {
        if (step < 1) {
            throw new IllegalArgumentException("step must be at least 1, was " + step);
        }
        return (done, total) -> {
            if (done % step == 0 || done == total) {
                target.onProgress(done, total);
            }
        };
    }
}
