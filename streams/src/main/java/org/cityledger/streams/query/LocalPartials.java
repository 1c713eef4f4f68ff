package org.cityledger.streams.query;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.schema.Topics;
import org.cityledger.streams.state.DeadLetterQuery;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.TotalsQuery;
import org.cityledger.streams.topology.LedgerTopology;

/**
 * Answers a {@link PartialsRequest} from this instance's own stores (IQv2), for the partitions
 * asked. With a lag bound, a standby copy within the bound may answer; the answer says so.
 */
public final class LocalPartials implements Peers {

    private final KafkaStreams streams;
    private final String self;

    public LocalPartials(final KafkaStreams streams, final String self) {
        this.streams = streams;
        this.self = self;
    }

    public String self() {
        return self;
    }

    /**
     * @throws QueryUnavailableException if any asked partition has no usable local copy
     */
    public Partials answer(final PartialsRequest request, final Set<Integer> partitions, final Long maxLag) {
        final String store = switch (request.kind()) {
            case TOTALS -> LedgerTopology.TOTALS_STORE;
            case DEAD_LETTERS -> LedgerTopology.DEAD_LETTER_STORE;
        };
        final Query<?> query = switch (request.kind()) {
            case TOTALS -> new TotalsQuery(request.prefix(), request.asOfMillis());
            case DEAD_LETTERS -> new DeadLetterQuery(request.before(), request.limit());
        };
        StateQueryRequest<?> iq = StateQueryRequest.inStore(store).withQuery(query).withPartitions(partitions);
        if (maxLag == null) {
            iq = iq.requireActive();
        }
        final StateQueryResult<?> result;
        try {
            result = streams.query(iq);
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("instance " + self + " cannot be queried in state " + streams.state(), e);
        }
        final Map<Integer, Object> byPartition = new HashMap<>();
        long worstLag = 0;
        boolean stale = false;
        for (final int partition : partitions) {
            final QueryResult<?> partial = result.getPartitionResults().get(partition);
            if (partial == null || partial.isFailure()) {
                throw new QueryUnavailableException("partition " + partition + " is not available on " + self
                        + (partial == null ? "" : ": " + partial.getFailureReason() + " " + partial.getFailureMessage()));
            }
            if (maxLag != null && !isActive(partition)) {
                final long lag = lag(store, partition);
                if (lag > maxLag) {
                    throw new QueryUnavailableException("the standby of partition " + partition + " on " + self
                            + " lags " + lag + " offsets, more than maxLag " + maxLag);
                }
                stale = true;
                worstLag = Math.max(worstLag, lag);
            }
            byPartition.put(partition, partial.getResult());
        }
        return new Partials(byPartition, new Provenance(Set.of(self), stale, worstLag));
    }

    /** The counted event from this instance's active copy of {@code partition}'s event index. */
    public Optional<IndexedEvent> event(final String eventId, final int partition) {
        final StateQueryResult<byte[]> result;
        try {
            result = streams.query(StateQueryRequest.inStore(LedgerTopology.EVENT_INDEX_STORE)
                    .withQuery(KeyQuery.<String, byte[]>withKey(eventId))
                    .withPartitions(Set.of(partition))
                    .requireActive());
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("instance " + self + " cannot be queried in state " + streams.state(), e);
        }
        final QueryResult<byte[]> answer = result.getPartitionResults().get(partition);
        if (answer == null || answer.isFailure()) {
            throw new QueryUnavailableException("partition " + partition + " is not active on " + self + " right now");
        }
        return Optional.ofNullable(answer.getResult()).map(IndexedEvent::fromBytes);
    }

    @Override
    public CompletableFuture<Partials> partials(final HostInfo host, final PartialsRequest request, final Set<Integer> partitions,
                                                final Long maxLag) {
        try {
            return CompletableFuture.completedFuture(answer(request, partitions, maxLag));
        } catch (final QueryUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Optional<IndexedEvent>> event(final HostInfo host, final String projectId, final String eventId,
                                                           final int partition) {
        try {
            return CompletableFuture.completedFuture(event(eventId, partition));
        } catch (final QueryUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<InstanceInfo> describe(final HostInfo host) {
        return CompletableFuture.completedFuture(describe());
    }

    /** How this instance describes itself to {@code GET /api/instances}. */
    public InstanceInfo describe() {
        final TreeSet<Integer> active = new TreeSet<>();
        final TreeSet<Integer> standby = new TreeSet<>();
        streams.metadataForLocalThreads().forEach(thread -> {
            thread.activeTasks().forEach(task -> task.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.EVENTS)).forEach(tp -> active.add(tp.partition())));
            thread.standbyTasks().forEach(task -> task.topicPartitions().stream()
                    .filter(tp -> tp.topic().equals(Topics.EVENTS)).forEach(tp -> standby.add(tp.partition())));
        });
        final Map<String, Map<Integer, Long>> lags = new TreeMap<>();
        try {
            streams.allLocalStorePartitionLags().forEach((store, byPartition) -> {
                final Map<Integer, Long> offsets = new TreeMap<>();
                byPartition.forEach((partition, info) -> offsets.put(partition, info.offsetLag()));
                lags.put(store, offsets);
            });
        } catch (final RuntimeException e) {
            // lags are unknown while the instance is not running (e.g. starting); the state says so
        }
        return new InstanceInfo(self, streams.state().name(), List.copyOf(active), List.copyOf(standby), lags);
    }

    private boolean isActive(final int partition) {
        return streams.metadataForLocalThreads().stream()
                .flatMap(thread -> thread.activeTasks().stream())
                .flatMap(task -> task.topicPartitions().stream())
                .anyMatch(tp -> tp.partition() == partition && tp.topic().equals(Topics.EVENTS));
    }

    private long lag(final String store, final int partition) {
        final Map<Integer, LagInfo> lags = streams.allLocalStorePartitionLags().getOrDefault(store, Map.of());
        final LagInfo info = lags.get(partition);
        return info == null ? Long.MAX_VALUE : info.offsetLag();
    }
}
