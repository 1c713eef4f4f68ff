package org.cityledger.streams.query;

import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.state.IndexedEvent;

/**
 * The other ledger instances, as the router sees them. The peer package implements it over HTTP;
 * the router knows nothing of how the question travels.
 */
public interface Peers {

    /**
     * Asks {@code host} for the partials of {@code partitions}.
     *
     * @param maxLag null: only from active tasks; else a standby within this lag may answer
     * @return completes with the partials, or exceptionally if the host cannot answer them all
     */
    CompletableFuture<Partials> partials(HostInfo host, PartialsRequest request, Set<Integer> partitions, Long maxLag);

    /** Asks {@code host}, which owns the project's {@code partition}, for one counted event (empty if unknown). */
    CompletableFuture<Optional<IndexedEvent>> event(HostInfo host, String projectId, String eventId, int partition);

    /** Asks {@code host} to describe itself. */
    CompletableFuture<InstanceInfo> describe(HostInfo host);
}
