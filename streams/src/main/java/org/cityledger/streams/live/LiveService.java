package org.cityledger.streams.live;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.Totals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the live picture once for all clients of this instance: every {@code interval} it reads
 * every partition's committed totals (from whichever instance runs it, so changes counted anywhere
 * show here), and only when some partition committed since, adds them up, diffs with the previous
 * picture and hands the change to the {@link LiveHub}; only while some client is subscribed. One
 * reader thread, and the first client after an idle spell on its own thread ({@link #subscribe});
 * nothing of HTTP.
 *
 * <p>While any partition cannot be read (a rebalance, an instance gone), the hub is told the
 * picture is stale; no partial sum is ever published.
 */
public final class LiveService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveService.class);
    /** How many newly counted events one change carries at most: the feed shows the newest. */
    public static final int EVENTS_PER_CHANGE = 10;

    /** Every partition's committed totals, in partition order. */
    @FunctionalInterface
    public interface TotalsSource {
        /** @throws QueryUnavailableException when some partition cannot be read right now */
        List<PartitionTotals> committed();
    }

    /** The newest counted events between two pictures. */
    @FunctionalInterface
    public interface FeedSource {
        /**
         * @param before per partition, the last offset already shown (empty: nothing shown yet)
         * @param now    per partition, the last offset the new picture includes
         * @param limit  how many at most
         * @return the newest counted events with offsets after {@code before} and up to {@code now}, newest first
         */
        List<FeedEvent> counted(List<Long> before, List<Long> now, int limit);
    }

    private final TotalsSource source;
    private final FeedSource feed;
    private final LiveHub hub;
    private final Duration interval;
    private ScheduledExecutorService ticker;
    private Picture last = Picture.EMPTY;

    public LiveService(final TotalsSource source, final FeedSource feed, final LiveHub hub, final Duration interval) {
        this.source = source;
        this.feed = feed;
        this.hub = hub;
        this.interval = interval;
    }

    public LiveHub hub() {
        return hub;
    }

    public synchronized LiveService start() {
        if (ticker == null) {
            ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                final Thread thread = new Thread(r, "ledger-live");
                thread.setDaemon(true);
                return thread;
            });
            ticker.scheduleWithFixedDelay(this::refreshQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    /**
     * A new client of the live stream ({@link LiveHub#subscribe}). The first client after an idle
     * spell ({@link #refresh}) has the picture brought up to date first, on the caller's thread, so
     * that its first message holds what was committed before it came; while some client watches, the
     * ticker keeps the picture within one interval, and a connect reads nothing of the cluster.
     */
    public synchronized LiveHub.Subscriber subscribe(final String lastEventId) {
        if (hub.clients() == 0) {
            roundQuietly();
        }
        return hub.subscribe(lastEventId);
    }

    /**
     * One round: read, and publish what changed. Called by the ticker; tests call it directly. A
     * round with no client subscribed reads nothing: five reads a second of every partition and of
     * the feed were 3 % of a replaying node's CPU, for no one.
     */
    public synchronized void refresh() {
        if (hub.clients() > 0) {
            round();
        }
    }

    private void round() {
        final Picture now;
        try {
            now = Picture.of(source.committed());
        } catch (final QueryUnavailableException e) {
            hub.unavailable(e.getMessage());
            return;
        }
        hub.available();
        if (!now.movedSince(last)) {
            return;
        }
        final Map<String, Totals> changed = now.changedSince(last);
        List<FeedEvent> counted;
        try {
            counted = feed.counted(last.offsets(), now.offsets(), EVENTS_PER_CHANGE);
        } catch (final RuntimeException e) {
            // the totals are what must be right; a feed that missed a beat shows the next events
            LOG.debug("the live feed could not read the newest events: {}", e.toString());
            counted = List.of();
        }
        last = now;
        if (!changed.isEmpty() || !counted.isEmpty()) {
            hub.change(changed, counted, now.offsets());
        }
    }

    private void refreshQuietly() {
        if (hub.clients() > 0) {
            roundQuietly();
        }
    }

    private synchronized void roundQuietly() {
        try {
            round();
        } catch (final RuntimeException e) {
            LOG.warn("the live picture could not be refreshed: {}", e.toString());
            hub.unavailable("the live picture could not be refreshed: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        final ScheduledExecutorService stopping;
        synchronized (this) {
            stopping = ticker;
            ticker = null;
        }
        // awaited outside the lock: a round waiting for it would otherwise hold the close up for the whole timeout
        if (stopping != null) {
            stopping.shutdownNow();
            try {
                stopping.awaitTermination(5, TimeUnit.SECONDS);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (feed instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (final Exception e) {
                LOG.debug("the live feed did not close cleanly: {}", e.toString());
            }
        }
    }
}
