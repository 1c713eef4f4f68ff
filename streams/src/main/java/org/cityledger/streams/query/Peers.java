package org.cityledger.streams.query;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;

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
    <T> CompletableFuture<Partials<T>> partials(HostInfo host, PartialsRequest<T> request, Set<Integer> partitions, Long maxLag);

    /** Asks {@code host}, which owns the project's {@code partition}, for one counted event (empty if unknown). */
    CompletableFuture<Optional<IndexedEvent>> event(HostInfo host, String projectId, String eventId, int partition);

    /** Asks {@code host}, which owns the project's {@code partition}, for the project's committed facts in arrival order. */
    CompletableFuture<List<ProjectFact>> facts(HostInfo host, String project, int partition);

    /** Asks {@code host} for up to {@code limit + 1} counted events of {@code partitions}, which it runs actively. */
    CompletableFuture<List<SliceEvent>> events(HostInfo host, EventsRequest request, Set<Integer> partitions);

    /**
     * Asks {@code host}, which runs the records' partitions, for its verdicts on them, waiting at
     * most {@code wait} for commits to include them; the answer is in the order asked.
     */
    CompletableFuture<List<Verdict>> verdicts(HostInfo host, List<VerdictRequest> records, Duration wait);

    /** Asks {@code host} to describe itself. */
    CompletableFuture<InstanceInfo> describe(HostInfo host);
}
