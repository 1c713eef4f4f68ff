package org.cityledger.streams.query;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes questions across the ledger's instances. Totals and dead letters live partially in every
 * partition, so those questions fan out: this instance answers its own active partitions, each
 * peer its own, in parallel, and the router merges. The answer is complete or it is an error,
 * never silently partial. A partition whose active copy cannot answer (restoring, rebalancing, its
 * instance gone) may be answered by a standby within the caller's {@code maxLag}, and the answer is
 * marked stale. A question about one project goes to the one instance that owns its partition.
 */
public final class Router {

    private static final Logger LOG = LoggerFactory.getLogger(Router.class);

    /** How a partition's answer was obtained, for metrics. */
    public enum Route {
        LOCAL, FORWARDED, STANDBY
    }

    private final Cluster cluster;
    private final HostInfo self;
    private final Peers local;
    private final Peers peers;
    private final int partitionCount;
    private final Duration timeout;
    private final Consumer<Route> routes;

    /**
     * @param local the stores of this instance, asked in-process
     * @param peers the other instances
     * @param routes told how each partition's answer was obtained (for metrics)
     */
    public Router(final Cluster cluster, final HostInfo self, final Peers local, final Peers peers,
                  final int partitionCount, final Duration timeout, final Consumer<Route> routes) {
        this.cluster = cluster;
        this.self = self;
        this.local = local;
        this.peers = peers;
        this.partitionCount = partitionCount;
        this.timeout = timeout;
        this.routes = routes;
    }

    /** Every partition's answer to {@code request}, in partition order, and where they came from. */
    public <T> Answer<List<T>> gather(final PartialsRequest<T> request, final Long maxLag) {
        final Map<Integer, T> results = new HashMap<>();
        Provenance provenance = new Provenance(Set.of(), false, 0);
        final Set<Integer> missing = new TreeSet<>();
        final Map<HostInfo, Set<Integer>> byOwner = new LinkedHashMap<>();
        final Map<Integer, HostInfo> owners = cluster.activeOwners();
        for (int p = 0; p < partitionCount; p++) {
            final HostInfo owner = owners.get(p);
            if (owner == null) {
                missing.add(p);
            } else {
                byOwner.computeIfAbsent(owner, h -> new TreeSet<>()).add(p);
            }
        }
        final Map<HostInfo, CompletableFuture<Partials<T>>> asked = new LinkedHashMap<>();
        byOwner.forEach((host, partitions) -> asked.put(host, ask(host, request, partitions, null)));
        for (final Map.Entry<HostInfo, CompletableFuture<Partials<T>>> entry : asked.entrySet()) {
            final Optional<Partials<T>> partials = await(entry.getValue(), entry.getKey());
            if (partials.isPresent()) {
                results.putAll(partials.get().byPartition());
                provenance = provenance.plus(partials.get().provenance());
                final Route route = entry.getKey().equals(self) ? Route.LOCAL : Route.FORWARDED;
                byOwner.get(entry.getKey()).forEach(p -> routes.accept(route));
            } else {
                missing.addAll(byOwner.get(entry.getKey()));
            }
        }
        if (!missing.isEmpty()) {
            if (maxLag == null) {
                throw new QueryUnavailableException("partitions " + missing + " are not available right now "
                        + "(rebalancing or restoring); retry, or accept a standby's answer with ?maxLag=");
            }
            for (final int partition : missing) {
                final Partials<T> standby = fromStandby(request, partition, maxLag);
                results.putAll(standby.byPartition());
                provenance = provenance.plus(standby.provenance());
                routes.accept(Route.STANDBY);
            }
        }
        final List<T> ordered = new ArrayList<>(partitionCount);
        for (int p = 0; p < partitionCount; p++) {
            final T result = results.get(p);
            if (result == null) {
                throw new QueryUnavailableException("partition " + p + " went unanswered; retry shortly");
            }
            ordered.add(result);
        }
        return new Answer<>(ordered, provenance);
    }

    /** The counted event {@code eventId} of project {@code projectId}, asked of the instance owning the project; none if another project counted it. */
    public Answer<Optional<IndexedEvent>> event(final String projectId, final String eventId) {
        final Cluster.Owner owner = cluster.ownerOf(projectId).orElseThrow(() ->
                new QueryUnavailableException("project " + projectId + " has no active owner right now (rebalancing)"));
        if (owner.host().equals(self)) {
            routes.accept(Route.LOCAL);
        } else {
            routes.accept(Route.FORWARDED);
        }
        final Peers asked = owner.host().equals(self) ? local : peers;
        final CompletableFuture<Optional<IndexedEvent>> asking = asked.event(owner.host(), projectId, eventId, owner.partition());
        final Optional<IndexedEvent> found = await(asking, owner.host()).orElseThrow(() -> unanswered(asking, "instance "
                + hostId(owner.host()) + " owning project " + projectId + " did not answer"));
        // the index is per partition, and a partition holds many projects: another project's event is not this one's
        return new Answer<>(found.filter(event -> projectId.equals(event.project())), Provenance.of(hostId(owner.host())));
    }

    /**
     * A page of the counted events a request asks for, complete across instances: every partition's
     * active owner is asked for its next {@code limit + 1}, and the answers merged in order. Unlike
     * totals, no standby answers: the audit index is kept by active copies only.
     *
     * @throws QueryUnavailableException while a partition has no active owner or its owner does not answer
     */
    public Answer<EventsPage> events(final EventsRequest request) {
        final Map<Integer, HostInfo> owners = cluster.activeOwners();
        final Map<HostInfo, Set<Integer>> byOwner = new LinkedHashMap<>();
        for (int p = 0; p < partitionCount; p++) {
            final HostInfo owner = owners.get(p);
            if (owner == null) {
                throw new QueryUnavailableException("partition " + p + " has no active owner right now (rebalancing); retry shortly");
            }
            byOwner.computeIfAbsent(owner, h -> new TreeSet<>()).add(p);
        }
        final Map<HostInfo, CompletableFuture<List<SliceEvent>>> asked = new LinkedHashMap<>();
        byOwner.keySet().stream().sorted(Comparator.comparing(host -> host.equals(self))).forEach(host -> {
            asked.put(host, (host.equals(self) ? local : peers).events(host, request, byOwner.get(host)));
            routes.accept(host.equals(self) ? Route.LOCAL : Route.FORWARDED);
        });
        final List<SliceEvent> merged = new ArrayList<>();
        Provenance provenance = new Provenance(Set.of(), false, 0);
        for (final Map.Entry<HostInfo, CompletableFuture<List<SliceEvent>>> entry : asked.entrySet()) {
            merged.addAll(await(entry.getValue(), entry.getKey()).orElseThrow(() -> unanswered(entry.getValue(), "instance "
                    + hostId(entry.getKey()) + " did not answer for partitions " + byOwner.get(entry.getKey()) + "; retry shortly")));
            provenance = provenance.plus(Provenance.of(hostId(entry.getKey())));
        }
        merged.sort(EventsPage.ORDER);
        final boolean more = merged.size() > request.limit();
        return new Answer<>(new EventsPage(List.copyOf(merged.subList(0, Math.min(request.limit(), merged.size()))), more),
                provenance);
    }

    /** A project's story: every committed record with the ledger's verdict, from the instance owning it. */
    public Answer<ProjectStory> story(final String projectId) {
        final Answer<List<ProjectFact>> facts = facts(projectId);
        final int partition = cluster.ownerOf(projectId).map(Cluster.Owner::partition).orElse(-1);
        return facts.map(list -> ProjectStory.of(projectId, partition, list));
    }

    /** Every committed record of a project with the ledger's verdict, in arrival order, from the instance owning it. */
    public Answer<List<ProjectFact>> facts(final String projectId) {
        final Cluster.Owner owner = cluster.ownerOf(projectId).orElseThrow(() ->
                new QueryUnavailableException("project " + projectId + " has no active owner right now (rebalancing)"));
        routes.accept(owner.host().equals(self) ? Route.LOCAL : Route.FORWARDED);
        final Peers asked = owner.host().equals(self) ? local : peers;
        final CompletableFuture<List<ProjectFact>> asking = asked.facts(owner.host(), projectId, owner.partition());
        return new Answer<>(await(asking, owner.host()).orElseThrow(() -> unanswered(asking, "instance " + hostId(owner.host())
                + " owning project " + projectId + " did not answer")), Provenance.of(hostId(owner.host())));
    }

    /**
     * The verdicts on published records, each asked of the instance running its partition, waiting
     * at most {@code wait} for commits to include them. A record whose partition has no active
     * owner right now, or whose owner does not answer, is pending: never an error, since the
     * record is safely on the topic and will be judged.
     */
    public List<Verdict> verdicts(final List<VerdictRequest> asked, final Duration wait) {
        final Map<Integer, HostInfo> owners = cluster.activeOwners();
        final Map<HostInfo, List<Integer>> byOwner = new LinkedHashMap<>();
        final Verdict[] answers = new Verdict[asked.size()];
        for (int i = 0; i < asked.size(); i++) {
            final HostInfo owner = owners.get(asked.get(i).partition());
            if (owner == null) {
                answers[i] = Verdict.pending(asked.get(i));
            } else {
                byOwner.computeIfAbsent(owner, h -> new ArrayList<>()).add(i);
            }
        }
        // peers first: they answer on their own threads while this one waits for its own partitions
        final Map<HostInfo, CompletableFuture<List<Verdict>>> futures = new LinkedHashMap<>();
        byOwner.keySet().stream().sorted(Comparator.comparing(host -> host.equals(self))).forEach(host -> {
            final List<VerdictRequest> mine = byOwner.get(host).stream().map(asked::get).toList();
            futures.put(host, (host.equals(self) ? local : peers).verdicts(host, mine, wait));
            routes.accept(host.equals(self) ? Route.LOCAL : Route.FORWARDED);
        });
        futures.forEach((host, future) -> {
            final List<Integer> indexes = byOwner.get(host);
            final Optional<List<Verdict>> answered = await(future, host, wait.plus(timeout));
            for (int j = 0; j < indexes.size(); j++) {
                final int i = indexes.get(j);
                answers[i] = answered.map(list -> list.get(indexes.indexOf(i))).orElseGet(() -> Verdict.pending(asked.get(i)));
            }
        });
        return List.of(answers);
    }

    /** Every instance of the application as it describes itself; one that does not answer is listed as unreachable. */
    public List<InstanceInfo> instances() {
        final Map<HostInfo, CompletableFuture<InstanceInfo>> asked = new LinkedHashMap<>();
        for (final HostInfo host : cluster.instances()) {
            asked.put(host, (host.equals(self) ? local : peers).describe(host));
        }
        if (!asked.containsKey(self)) {
            asked.put(self, local.describe(self));
        }
        final List<InstanceInfo> described = new ArrayList<>();
        asked.forEach((host, future) -> described.add(await(future, host).orElseGet(() ->
                new InstanceInfo(hostId(host), "UNREACHABLE", List.of(), List.of(), Map.of()))));
        described.sort(Comparator.comparing(InstanceInfo::id));
        return described;
    }

    private <T> Partials<T> fromStandby(final PartialsRequest<T> request, final int partition, final long maxLag) {
        final List<HostInfo> candidates = new ArrayList<>();
        for (final HostInfo host : cluster.standbys(partition)) {
            // our own standby first: no network hop
            if (host.equals(self)) {
                candidates.add(0, host);
            } else {
                candidates.add(host);
            }
        }
        for (final HostInfo host : candidates) {
            final Optional<Partials<T>> answer = await(ask(host, request, Set.of(partition), maxLag), host);
            if (answer.isPresent()) {
                return answer.get();
            }
        }
        throw new QueryUnavailableException("partition " + partition + " has no active copy and no standby within maxLag "
                + maxLag + " right now; retry shortly");
    }

    private <T> CompletableFuture<Partials<T>> ask(final HostInfo host, final PartialsRequest<T> request, final Set<Integer> partitions,
                                            final Long maxLag) {
        return (host.equals(self) ? local : peers).partials(host, request, partitions, maxLag);
    }

    private <T> Optional<T> await(final CompletableFuture<T> future, final HostInfo host) {
        return await(future, host, timeout);
    }

    private <T> Optional<T> await(final CompletableFuture<T> future, final HostInfo host, final Duration within) {
        try {
            return Optional.of(future.get(within.toMillis(), TimeUnit.MILLISECONDS));
        } catch (final ExecutionException | TimeoutException e) {
            LOG.debug("instance {} could not answer: {}", host, e.getMessage());
            return Optional.empty();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryUnavailableException("interrupted while waiting for " + host, e);
        }
    }

    /**
     * Why an instance did not answer, with its own reason when it gave one (a timeout gives none): a
     * bare "did not answer" of the instance itself left an operator nothing to act on.
     */
    private static QueryUnavailableException unanswered(final CompletableFuture<?> asking, final String what) {
        final Throwable failure = asking.handle((value, error) -> error).getNow(null);
        if (failure == null) {
            return new QueryUnavailableException(what);
        }
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        return new QueryUnavailableException(what + " (" + cause.getMessage() + ")", cause);
    }

    public static String hostId(final HostInfo host) {
        return host.host() + ":" + host.port();
    }
}
