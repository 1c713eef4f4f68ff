package org.cityledger.streams.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.LagInfo;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.cityledger.schema.Topics;
import org.cityledger.streams.state.AsOfTotals;
import org.cityledger.streams.state.AuditIndex;
import org.cityledger.streams.state.CommittedThroughQuery;
import org.cityledger.streams.state.DeadLetterQuery;
import org.cityledger.streams.state.EventIndex;
import org.cityledger.streams.state.HistoryNotReadyException;
import org.cityledger.streams.state.HistoryQuery;
import org.cityledger.streams.state.HistorySnapshot;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.state.PartitionTotalsQuery;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.cityledger.streams.state.TotalsQuery;
import org.cityledger.streams.topology.LedgerTopology;
import org.cityledger.streams.totals.TotalsKey;

/**
 * Answers a {@link PartialsRequest} from this instance's own stores (IQv2), for the partitions
 * asked. With a lag bound, a standby copy within the bound may answer; the answer says so.
 */
public final class LocalPartials implements Peers {

    /** How long an as-of question waits for a partition's history to be published. */
    private static final Duration HISTORY_WAIT = Duration.ofSeconds(10);

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
    public <T> Partials<T> answer(final PartialsRequest<T> request, final Set<Integer> partitions, final Long maxLag) {
        if (request.kind() == PartialsRequest.Kind.TOTALS && request.asOfMillis() != null) {
            return asOf(request, partitions);
        }
        final String store = switch (request.kind()) {
            case TOTALS, PARTITION_TOTALS -> LedgerTopology.TOTALS_STORE;
            case DEAD_LETTERS -> LedgerTopology.DEAD_LETTER_STORE;
        };
        final Query<?> query = switch (request.kind()) {
            case TOTALS -> new TotalsQuery(request.prefix());
            case PARTITION_TOTALS -> new PartitionTotalsQuery();
            case DEAD_LETTERS -> new DeadLetterQuery(request.before(), request.limit());
        };
        StateQueryRequest<?> iq = StateQueryRequest.inStore(store).withQuery(query).withPartitions(partitions);
        if (maxLag == null) {
            iq = iq.requireActive();
        }
        final StateQueryResult<?> result = query(iq);
        final Map<Integer, T> byPartition = new HashMap<>();
        long worstLag = 0;
        boolean stale = false;
        for (final int partition : partitions) {
            final T partial = request.resultOf(resultOf(result, partition));
            if (maxLag != null && !isActive(partition)) {
                final long lag = lag(store, partition);
                if (lag > maxLag) {
                    throw new QueryUnavailableException("the standby of partition " + partition + " on " + self
                            + " lags " + lag + " offsets, more than maxLag " + maxLag);
                }
                stale = true;
                worstLag = Math.max(worstLag, lag);
            }
            byPartition.put(partition, partial);
        }
        return new Partials<>(byPartition, new Provenance(Set.of(self), stale, worstLag));
    }

    /**
     * As-of totals, from active copies only (standbys keep no history): each partition's committed
     * history, then the timeline's entries of the asked instant's period up to it, read at the
     * history's committed offset ({@link AsOfTotals}). Both reads go through interactive queries,
     * so a task that closes meanwhile fails the question instead of reading a closed store.
     */
    private <T> Partials<T> asOf(final PartialsRequest<T> request, final Set<Integer> partitions) {
        final String prefix = request.prefix();
        final long asOfMillis = request.asOfMillis();
        final StateQueryResult<CompletableFuture<HistorySnapshot>> histories = query(StateQueryRequest
                .inStore(LedgerTopology.TOTALS_STORE).withQuery(new HistoryQuery()).withPartitions(partitions).requireActive());
        final Map<Integer, T> byPartition = new HashMap<>();
        final long period = TotalsKey.period(asOfMillis);
        for (final int partition : partitions) {
            final HistorySnapshot history = await(resultOf(histories, partition), partition);
            final StateQueryResult<KeyValueIterator<Bytes, byte[]>> entries = query(StateQueryRequest
                    .inStore(LedgerTopology.AUDIT_STORE)
                    .withQuery(RangeQuery.<Bytes, byte[]>withRange(AuditIndex.timelineFrom(TotalsKey.periodStart(period)),
                            AuditIndex.timelineTo(asOfMillis)))
                    .withPartitions(Set.of(partition)).requireActive());
            try (KeyValueIterator<Bytes, byte[]> samePeriod = resultOf(entries, partition)) {
                byPartition.put(partition, request.resultOf(AsOfTotals.of(history, prefix, asOfMillis, new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return samePeriod.hasNext();
                    }

                    @Override
                    public SliceEvent next() {
                        return SliceEvent.fromBytes(samePeriod.next().value);
                    }
                })));
            }
        }
        return new Partials<>(byPartition, Provenance.of(self));
    }

    private HistorySnapshot await(final CompletableFuture<HistorySnapshot> history, final int partition) {
        try {
            return history.get(HISTORY_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final TimeoutException e) {
            throw new QueryUnavailableException("the as-of history of partition " + partition + " on " + self
                    + " was not published within " + HISTORY_WAIT.toSeconds() + " s; ask again",
                    new HistoryNotReadyException(e.getMessage()));
        } catch (final ExecutionException e) {
            throw new QueryUnavailableException("partition " + partition + " on " + self + " could not give its history", e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryUnavailableException("interrupted while waiting for the history of partition " + partition, e);
        }
    }

    private <R> StateQueryResult<R> query(final StateQueryRequest<R> request) {
        try {
            return streams.query(request);
        } catch (final RuntimeException e) {
            throw cannotBeQueried(e);
        }
    }

    /** Names the cause: a 503 that only named the state (RUNNING, often) left an operator nothing to act on. */
    private QueryUnavailableException cannotBeQueried(final RuntimeException e) {
        return new QueryUnavailableException("instance " + self + " cannot be queried in state " + streams.state()
                + ": " + e, e);
    }

    private <R> R resultOf(final StateQueryResult<R> result, final int partition) {
        final QueryResult<R> partial = result.getPartitionResults().get(partition);
        if (partial == null || partial.isFailure()) {
            throw new QueryUnavailableException("partition " + partition + " is not available on " + self
                    + (partial == null ? "" : ": " + partial.getFailureReason() + " " + partial.getFailureMessage()));
        }
        return partial.getResult();
    }

    /**
     * The verdicts on records of partitions this instance runs actively, each once a commit includes
     * its offset, waiting at most {@code wait} in all; what no commit included by then is pending.
     */
    public List<Verdict> verdicts(final List<VerdictRequest> asked, final Duration wait) {
        final long deadline = System.nanoTime() + wait.toNanos();
        final List<CompletableFuture<PartitionTotals>> commits = new ArrayList<>(asked.size());
        for (final VerdictRequest request : asked) {
            commits.add(resultOf(query(StateQueryRequest.inStore(LedgerTopology.TOTALS_STORE)
                    .withQuery(new CommittedThroughQuery(request.offset()))
                    .withPartitions(Set.of(request.partition())).requireActive()), request.partition()));
        }
        final List<Verdict> verdicts = new ArrayList<>(asked.size());
        for (int i = 0; i < asked.size(); i++) {
            final VerdictRequest request = asked.get(i);
            final CompletableFuture<PartitionTotals> commit = commits.get(i);
            if (!awaitCommit(commit, deadline)) {
                commit.cancel(false);
                verdicts.add(Verdict.pending(request));
                continue;
            }
            final StateQueryResult<byte[]> fact = query(StateQueryRequest.inStore(LedgerTopology.AUDIT_STORE)
                    .withQuery(KeyQuery.<Bytes, byte[]>withKey(AuditIndex.factKey(request.project(), request.offset())))
                    .withPartitions(Set.of(request.partition())).requireActive());
            final byte[] bytes = resultOf(fact, request.partition());
            verdicts.add(Verdict.of(request, bytes == null ? null : ProjectFact.fromBytes(bytes)));
        }
        return verdicts;
    }

    private static boolean awaitCommit(final CompletableFuture<PartitionTotals> commit, final long deadline) {
        try {
            commit.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (final TimeoutException | CancellationException e) {
            return false;
        } catch (final ExecutionException e) {
            throw new QueryUnavailableException("the commit could not be awaited", e.getCause());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryUnavailableException("interrupted while waiting for a commit", e);
        }
    }

    /**
     * Every committed record of {@code project} in its partition {@code partition}, in arrival order,
     * with what the ledger decided: the facts a commit has not included yet are left out.
     */
    public List<ProjectFact> facts(final String project, final int partition) {
        final PartitionTotals committed = resultOf(query(StateQueryRequest.inStore(LedgerTopology.TOTALS_STORE)
                .withQuery(new CommittedThroughQuery(-1)).withPartitions(Set.of(partition)).requireActive()), partition).join();
        final StateQueryResult<KeyValueIterator<Bytes, byte[]>> range = query(StateQueryRequest
                .inStore(LedgerTopology.AUDIT_STORE)
                .withQuery(RangeQuery.<Bytes, byte[]>withRange(AuditIndex.firstOf(project), AuditIndex.lastOf(project)))
                .withPartitions(Set.of(partition)).requireActive());
        final List<ProjectFact> facts = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = resultOf(range, partition)) {
            while (all.hasNext()) {
                final ProjectFact fact = ProjectFact.fromBytes(all.next().value);
                if (fact.offset() <= committed.committedOffset()) {
                    facts.add(fact);
                }
            }
        }
        return facts;
    }

    /**
     * Up to {@code limit + 1} counted events of {@code partitions} (run actively here) that the
     * request asks for, in {@link EventsPage#ORDER}: the ranges of every partition asked (the
     * partition's timeline for an unsliced request, else each cell of the slice) are merged as they
     * are read, so a page costs a seek per range and a read per event listed, however long the
     * history, and one interactive query per range for all partitions at once. Events are as of
     * each partition's last commit.
     */
    public List<SliceEvent> events(final EventsRequest request, final Set<Integer> partitions) {
        final Map<Integer, Long> committed = committedOffsets(partitions);
        final List<KeyValueIterator<Bytes, byte[]>> open = new ArrayList<>();
        final PriorityQueue<Head> heads = new PriorityQueue<>((a, b) -> EventsPage.ORDER.compare(a.event(), b.event()));
        try {
            for (final Bytes[] range : ranges(request)) {
                final StateQueryResult<KeyValueIterator<Bytes, byte[]>> result = query(StateQueryRequest
                        .inStore(LedgerTopology.AUDIT_STORE)
                        .withQuery(RangeQuery.<Bytes, byte[]>withRange(range[0], range[1]))
                        .withPartitions(partitions).requireActive());
                // every iterator the answer opened is closed, also when another partition's part failed
                result.getPartitionResults().values().stream().filter(QueryResult::isSuccess)
                        .forEach(part -> open.add(part.getResult()));
                for (final int partition : partitions) {
                    advance(resultOf(result, partition), partition, committed.get(partition), request, heads);
                }
            }
            final List<SliceEvent> page = new ArrayList<>(Math.min(request.limit() + 1, 256));
            while (!heads.isEmpty() && page.size() <= request.limit()) {
                final Head head = heads.poll();
                final SliceEvent event = head.event();
                if (request.afterCursor(event.occurredAt(), event.eventId(), event.project())) {
                    page.add(event);
                }
                advance(head.range(), event.partition(), committed.get(event.partition()), request, heads);
            }
            return page;
        } finally {
            open.forEach(KeyValueIterator::close);
        }
    }

    /** The key ranges of the audit store that hold the request's events: the timeline, or each cell of the slice. */
    private static List<Bytes[]> ranges(final EventsRequest request) {
        if (request.district() == null && request.sector() == null) {
            return List.<Bytes[]>of(new Bytes[] {AuditIndex.timelineFrom(request.readFrom()), AuditIndex.timelineTo(request.toMillis())});
        }
        final List<Bytes[]> ranges = new ArrayList<>();
        for (final String[] cell : request.cells()) {
            ranges.add(new Bytes[] {AuditIndex.sliceFrom(cell[0], cell[1], request.readFrom()),
                AuditIndex.sliceTo(cell[0], cell[1], request.toMillis())});
        }
        return ranges;
    }

    /** Each partition's last committed input offset, in one interactive query. */
    private Map<Integer, Long> committedOffsets(final Set<Integer> partitions) {
        final StateQueryResult<CompletableFuture<PartitionTotals>> result = query(StateQueryRequest
                .inStore(LedgerTopology.TOTALS_STORE).withQuery(new CommittedThroughQuery(-1))
                .withPartitions(partitions).requireActive());
        final Map<Integer, Long> committed = new HashMap<>();
        for (final int partition : partitions) {
            committed.put(partition, resultOf(result, partition).join().committedOffset());
        }
        return committed;
    }

    /** The next event of one range, the range it came from. */
    private record Head(SliceEvent event, KeyValueIterator<Bytes, byte[]> range) {
    }

    /**
     * Puts the range's next listed event on the heap: one counted as of the partition's commit and of
     * the kind asked; what is not listed is skipped without being decoded or merged.
     */
    private static void advance(final KeyValueIterator<Bytes, byte[]> range, final int partition, final long committed,
                                final EventsRequest request, final PriorityQueue<Head> heads) {
        while (range.hasNext()) {
            final byte[] value = range.next().value;
            if (SliceEvent.countsAt(value, committed) && (request.kind() == null || SliceEvent.kindOf(value) == request.kind())) {
                heads.add(new Head(SliceEvent.fromBytes(value).inPartition(partition), range));
                return;
            }
        }
    }

    /** The counted event from this instance's active copy of {@code partition}'s event index. */
    public Optional<IndexedEvent> event(final String eventId, final int partition) {
        final StateQueryResult<byte[]> result;
        try {
            result = streams.query(StateQueryRequest.inStore(LedgerTopology.EVENT_INDEX_STORE)
                    .withQuery(KeyQuery.<Bytes, byte[]>withKey(EventIndex.key(eventId)))
                    .withPartitions(Set.of(partition))
                    .requireActive());
        } catch (final RuntimeException e) {
            throw cannotBeQueried(e);
        }
        return Optional.ofNullable(resultOf(result, partition)).map(IndexedEvent::fromBytes);
    }

    @Override
    public <T> CompletableFuture<Partials<T>> partials(final HostInfo host, final PartialsRequest<T> request, final Set<Integer> partitions,
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
    public CompletableFuture<List<ProjectFact>> facts(final HostInfo host, final String project, final int partition) {
        try {
            return CompletableFuture.completedFuture(facts(project, partition));
        } catch (final QueryUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<List<SliceEvent>> events(final HostInfo host, final EventsRequest request, final Set<Integer> partitions) {
        try {
            return CompletableFuture.completedFuture(events(request, partitions));
        } catch (final QueryUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<List<Verdict>> verdicts(final HostInfo host, final List<VerdictRequest> records, final Duration wait) {
        try {
            return CompletableFuture.completedFuture(verdicts(records, wait));
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
