package org.cityledger.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

/** Routing and merging across instances, with a fixed cluster and fake peers: no broker, no HTTP. */
class RouterTest {

    private static final HostInfo SELF = new HostInfo("self", 1);
    private static final HostInfo A = new HostInfo("a", 2);
    private static final HostInfo B = new HostInfo("b", 3);
    private static final PartialsRequest<Map<String, Totals>> REQUEST = PartialsRequest.totals("T", null);

    private final FakeCluster cluster = new FakeCluster();
    /** What each partition holds; the fakes answer from it. */
    private final Map<Integer, Map<String, Totals>> store = new HashMap<>();
    private final FakePeers local = new FakePeers();
    private final FakePeers peers = new FakePeers();
    private final List<Router.Route> routes = new ArrayList<>();

    // --- fakes ---

    /** A fixed view of who holds what. */
    private static final class FakeCluster implements Cluster {
        final Map<Integer, HostInfo> activeOwners = new HashMap<>();
        final Map<Integer, List<HostInfo>> standbys = new HashMap<>();
        final List<HostInfo> instances = new ArrayList<>();
        final Map<String, Owner> owners = new HashMap<>();

        @Override
        public Map<Integer, HostInfo> activeOwners() {
            return Map.copyOf(activeOwners);
        }

        @Override
        public List<HostInfo> standbys(final int partition) {
            return standbys.getOrDefault(partition, List.of());
        }

        @Override
        public List<HostInfo> instances() {
            return List.copyOf(instances);
        }

        @Override
        public Optional<Owner> ownerOf(final String projectId) {
            return Optional.ofNullable(owners.get(projectId));
        }
    }

    /** How a fake host behaves. */
    private enum Behaviour {
        ANSWER, FAIL, HANG
    }

    /** One partials question a fake was asked. */
    private record Asked(HostInfo host, PartialsRequest<?> request, Set<Integer> partitions, Long maxLag) {
    }

    /** One event look-up a fake was asked. */
    private record LookedUp(HostInfo host, String projectId, String eventId, int partition) {
    }

    /** Answers from {@link #store}; a standby answer (maxLag given) is stale with the host's configured lag. */
    private final class FakePeers implements Peers {
        final List<Asked> asked = new ArrayList<>();
        final List<LookedUp> lookedUp = new ArrayList<>();
        final List<HostInfo> described = new ArrayList<>();
        final List<HostInfo> verdictsAsked = new ArrayList<>();
        final Map<HostInfo, Behaviour> behaviour = new HashMap<>();
        final Map<HostInfo, Long> standbyLag = new HashMap<>();
        final Map<String, IndexedEvent> events = new HashMap<>();
        /** The partials futures of hanging hosts, for a test to complete. */
        final List<CompletableFuture<Partials<Map<String, Totals>>>> hanging = new ArrayList<>();
        /** Told of every partials question, after it was recorded. */
        java.util.function.Consumer<Asked> onAsk = asked -> { };

        @Override
        public <T> CompletableFuture<Partials<T>> partials(final HostInfo host, final PartialsRequest<T> request,
                                                           final Set<Integer> partitions, final Long maxLag) {
            final Asked question = new Asked(host, request, new TreeSet<>(partitions), maxLag);
            asked.add(question);
            final CompletableFuture<Partials<T>> future = respond(host, () -> answer(request, host, partitions, maxLag));
            if (behaviour.get(host) == Behaviour.HANG) {
                // every question a test hangs is a totals question
                hanging.add(castTotals(future));
            }
            onAsk.accept(question);
            return future;
        }

        <T> Partials<T> answer(final PartialsRequest<T> request, final HostInfo host, final Set<Integer> partitions, final Long maxLag) {
            final Map<Integer, T> byPartition = new HashMap<>();
            partitions.forEach(p -> byPartition.put(p, request.resultOf(store.getOrDefault(p, Map.of()))));
            final Provenance provenance = maxLag == null ? Provenance.of(Router.hostId(host))
                    : new Provenance(Set.of(Router.hostId(host)), true, standbyLag.getOrDefault(host, 0L));
            return new Partials<>(byPartition, provenance);
        }

        @Override
        public CompletableFuture<Optional<IndexedEvent>> event(final HostInfo host, final String projectId, final String eventId,
                                                               final int partition) {
            lookedUp.add(new LookedUp(host, projectId, eventId, partition));
            return respond(host, () -> Optional.ofNullable(events.get(eventId)));
        }

        @Override
        public CompletableFuture<List<ProjectFact>> facts(final HostInfo host, final String project, final int partition) {
            return respond(host, List::of);
        }

        @Override
        public CompletableFuture<List<SliceEvent>> events(final HostInfo host, final EventsRequest request,
                                                          final Set<Integer> partitions) {
            return respond(host, () -> partitions.stream().map(p -> new SliceEvent("e-" + p, "P-" + p, 1_000L - p,
                    new Contribution(EventKind.SIGNING, "kunshan", "5g", "CNY", BigDecimal.ONE, null), p, p, -1)).toList());
        }

        @Override
        public CompletableFuture<List<Verdict>> verdicts(final HostInfo host, final List<VerdictRequest> records, final Duration wait) {
            verdictsAsked.add(host);
            return respond(host, () -> records.stream().map(r -> new Verdict(r.eventId(), r.project(), r.partition(), r.offset(),
                    Verdict.Outcome.COUNTED, null, null)).toList());
        }

        @Override
        public CompletableFuture<InstanceInfo> describe(final HostInfo host) {
            described.add(host);
            return respond(host, () -> new InstanceInfo(Router.hostId(host), "RUNNING", List.of(0), List.of(1), Map.of()));
        }

        private <T> CompletableFuture<T> respond(final HostInfo host, final java.util.function.Supplier<T> answer) {
            return switch (behaviour.getOrDefault(host, Behaviour.ANSWER)) {
                case ANSWER -> CompletableFuture.completedFuture(answer.get());
                case FAIL -> CompletableFuture.failedFuture(new QueryUnavailableException(host + " is restoring"));
                case HANG -> new CompletableFuture<>();
            };
        }
    }

    @SuppressWarnings("unchecked")
    private static CompletableFuture<Partials<Map<String, Totals>>> castTotals(final CompletableFuture<?> future) {
        return (CompletableFuture<Partials<Map<String, Totals>>>) future;
    }

    // --- helpers ---

    private Router router(final int partitionCount) {
        return router(partitionCount, Duration.ofSeconds(1));
    }

    private Router router(final int partitionCount, final Duration timeout) {
        return new Router(cluster, SELF, local, peers, partitionCount, timeout, routes::add);
    }

    /** Partition p holds one CNY signing of p + 1. */
    private static Map<String, Totals> marked(final int partition) {
        return Map.of("T", new Totals(new KindTotals(1, Map.of("CNY", BigDecimal.valueOf(partition + 1L)), Map.of()),
                KindTotals.EMPTY, KindTotals.EMPTY));
    }

    private void partitions(final int count) {
        for (int p = 0; p < count; p++) {
            store.put(p, marked(p));
        }
    }

    /** Partitions 0..5: 0 and 3 on this instance, 1 and 4 on A, 2 and 5 on B. */
    private Router threeHosts() {
        partitions(6);
        final HostInfo[] owners = {SELF, A, B};
        for (int p = 0; p < 6; p++) {
            cluster.activeOwners.put(p, owners[p % 3]);
        }
        return router(6);
    }

    private static List<Map<String, Totals>> expectedInOrder(final int count) {
        final List<Map<String, Totals>> expected = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            expected.add(marked(p));
        }
        return expected;
    }

    private static Map<String, Totals> ledger(final Contribution... contributions) {
        final Map<String, MutableTotals> slices = new HashMap<>();
        for (final Contribution c : contributions) {
            for (final String key : TotalsKey.slices(c.district(), c.sector())) {
                slices.computeIfAbsent(key, k -> new MutableTotals()).apply(c, 1);
            }
        }
        final Map<String, Totals> totals = new HashMap<>();
        slices.forEach((key, mutable) -> totals.put(key, mutable.snapshot()));
        return totals;
    }

    private static Contribution signing(final String district, final String sector, final String value, final String currency) {
        return new Contribution(EventKind.SIGNING, district, sector, currency, new BigDecimal(value), null);
    }

    // --- gather: all local ---

    @Test
    void shouldAskOnlyItselfOnceWhenItOwnsEveryPartition() {
        partitions(3);
        cluster.activeOwners.putAll(Map.of(0, SELF, 1, SELF, 2, SELF));

        router(3).gather(REQUEST, null);

        assertThat(local.asked).containsExactly(new Asked(SELF, REQUEST, Set.of(0, 1, 2), null));
        assertThat(peers.asked).isEmpty();
    }

    @Test
    void shouldRouteEveryPartitionLocalWhenItOwnsThemAll() {
        partitions(3);
        cluster.activeOwners.putAll(Map.of(0, SELF, 1, SELF, 2, SELF));

        router(3).gather(REQUEST, null);

        assertThat(routes).containsExactly(Router.Route.LOCAL, Router.Route.LOCAL, Router.Route.LOCAL);
    }

    @Test
    void shouldNameOnlyItselfWhenItOwnsEveryPartition() {
        partitions(3);
        cluster.activeOwners.putAll(Map.of(0, SELF, 1, SELF, 2, SELF));

        final Answer<List<Map<String, Totals>>> answer = router(3).gather(REQUEST, null);

        assertThat(answer.provenance()).isEqualTo(new Provenance(Set.of("self:1"), false, 0));
        assertThat(answer.value()).isEqualTo(expectedInOrder(3));
    }

    // --- gather: fan-out ---

    @Test
    void shouldAskEachOwnerForExactlyItsPartitions() {
        threeHosts().gather(REQUEST, null);

        assertThat(local.asked).containsExactly(new Asked(SELF, REQUEST, Set.of(0, 3), null));
        assertThat(peers.asked).containsExactlyInAnyOrder(
                new Asked(A, REQUEST, Set.of(1, 4), null),
                new Asked(B, REQUEST, Set.of(2, 5), null));
    }

    @Test
    void shouldAnswerInPartitionOrder() {
        final Answer<List<Map<String, Totals>>> answer = threeHosts().gather(REQUEST, null);

        assertThat(answer.value()).isEqualTo(expectedInOrder(6));
    }

    @Test
    void shouldNameEveryAnsweringInstanceInTheProvenance() {
        final Answer<List<Map<String, Totals>>> answer = threeHosts().gather(REQUEST, null);

        assertThat(answer.provenance()).isEqualTo(new Provenance(Set.of("self:1", "a:2", "b:3"), false, 0));
    }

    @Test
    void shouldRouteOwnPartitionsLocalAndTheOthersForwarded() {
        threeHosts().gather(REQUEST, null);

        assertThat(routes).filteredOn(r -> r == Router.Route.LOCAL).hasSize(2);
        assertThat(routes).filteredOn(r -> r == Router.Route.FORWARDED).hasSize(4);
        assertThat(routes).hasSize(6);
    }

    @Test
    void shouldPassTheRequestUnchangedToEveryHost() {
        final PartialsRequest<Map<String, Totals>> request = PartialsRequest.totals("D|", Instant.parse("2022-02-10T04:00:00Z").toEpochMilli());

        threeHosts().gather(request, null);

        assertThat(local.asked).extracting(Asked::request).containsOnly(request);
        assertThat(peers.asked).extracting(Asked::request).containsOnly(request);
    }

    @Test
    void shouldAskEveryHostBeforeWaitingForAny() {
        final Router router = threeHosts();
        // A answers only once B has been asked: a router waiting for A before asking B would time out
        peers.behaviour.put(A, Behaviour.HANG);
        peers.onAsk = asked -> {
            if (asked.host().equals(B)) {
                peers.hanging.forEach(future -> future.complete(peers.answer(REQUEST, A, Set.of(1, 4), null)));
            }
        };

        final Answer<List<Map<String, Totals>>> answer = router.gather(REQUEST, null);

        assertThat(answer.value()).isEqualTo(expectedInOrder(6));
    }

    // --- gather: no active owner ---

    @Test
    void shouldRefuseAPartitionWithoutActiveOwnerWhenNoStalenessIsAccepted() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B));

        assertThatThrownBy(() -> router.gather(REQUEST, null))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partitions [4]")
                .hasMessageContaining("retry")
                .hasMessageContaining("maxLag");
        assertThat(peers.asked).extracting(Asked::maxLag).containsOnlyNulls();
    }

    @Test
    void shouldAskAStandbyWithTheCallersMaxLagWhenAPartitionHasNoActiveOwner() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B));

        router.gather(REQUEST, 10L);

        assertThat(peers.asked).contains(new Asked(B, REQUEST, Set.of(4), 10L));
    }

    @Test
    void shouldAnswerCompletelyFromAStandby() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B));

        assertThat(router.gather(REQUEST, 10L).value()).isEqualTo(expectedInOrder(6));
    }

    @Test
    void shouldMarkAStandbysAnswerStaleWithTheLagItReported() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B));
        peers.standbyLag.put(B, 3L);

        final Answer<List<Map<String, Totals>>> answer = router.gather(REQUEST, 10L);

        assertThat(answer.provenance()).isEqualTo(new Provenance(Set.of("self:1", "a:2", "b:3"), true, 3));
    }

    @Test
    void shouldRouteAStandbysPartitionAsStandby() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B));

        router.gather(REQUEST, 10L);

        assertThat(routes).filteredOn(r -> r == Router.Route.STANDBY).hasSize(1);
        assertThat(routes).hasSize(6);
    }

    @Test
    void shouldNotBeStaleWhenEveryActiveOwnerAnswersThoughMaxLagWasGiven() {
        final Answer<List<Map<String, Totals>>> answer = threeHosts().gather(REQUEST, 10L);

        assertThat(answer.provenance().stale()).isFalse();
        assertThat(peers.asked).extracting(Asked::maxLag).containsOnlyNulls();
    }

    @Test
    void shouldPreferItsOwnStandbyOverARemoteOne() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(B, SELF));

        router.gather(REQUEST, 10L);

        assertThat(local.asked).contains(new Asked(SELF, REQUEST, Set.of(4), 10L));
        assertThat(peers.asked).extracting(Asked::partitions).doesNotContain(Set.of(4));
    }

    @Test
    void shouldTryTheNextStandbyWhenOneCannotAnswer() {
        final Router router = threeHosts();
        // this instance runs no active partition here, only a standby of 4 that cannot answer
        cluster.activeOwners.put(0, A);
        cluster.activeOwners.put(3, A);
        cluster.activeOwners.remove(4);
        cluster.standbys.put(4, List.of(SELF, B));
        local.behaviour.put(SELF, Behaviour.FAIL);

        final Answer<List<Map<String, Totals>>> answer = router.gather(REQUEST, 10L);

        assertThat(peers.asked).contains(new Asked(B, REQUEST, Set.of(4), 10L));
        assertThat(answer.value()).isEqualTo(expectedInOrder(6));
    }

    @Test
    void shouldRefuseWhenAPartitionHasNeitherActiveOwnerNorStandby() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(4);

        assertThatThrownBy(() -> router.gather(REQUEST, 10L))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partition 4")
                .hasMessageContaining("maxLag 10");
    }

    // --- gather: a peer fails ---

    @Test
    void shouldRefuseWhenAPeerFailsAndNoStalenessIsAccepted() {
        final Router router = threeHosts();
        peers.behaviour.put(A, Behaviour.FAIL);

        assertThatThrownBy(() -> router.gather(REQUEST, null))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partitions [1, 4]")
                .hasMessageContaining("retry");
    }

    @Test
    void shouldAnswerAFailedPeersPartitionsFromStandbysWhenMaxLagIsGiven() {
        final Router router = threeHosts();
        peers.behaviour.put(A, Behaviour.FAIL);
        cluster.standbys.put(1, List.of(B));
        cluster.standbys.put(4, List.of(SELF));

        final Answer<List<Map<String, Totals>>> answer = router.gather(REQUEST, 10L);

        assertThat(peers.asked).contains(new Asked(B, REQUEST, Set.of(1), 10L));
        assertThat(local.asked).contains(new Asked(SELF, REQUEST, Set.of(4), 10L));
        assertThat(answer.value()).isEqualTo(expectedInOrder(6));
        assertThat(answer.provenance().stale()).isTrue();
        assertThat(answer.provenance().instances()).doesNotContain("a:2");
    }

    @Test
    void shouldNeverAnswerPartiallyWhenAFailedPeersPartitionHasNoStandby() {
        final Router router = threeHosts();
        peers.behaviour.put(A, Behaviour.FAIL);
        cluster.standbys.put(1, List.of(B));

        assertThatThrownBy(() -> router.gather(REQUEST, 10L))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partition 4");
    }

    @Test
    void shouldNeverAnswerPartiallyWhenItsOwnPartitionsFail() {
        final Router router = threeHosts();
        local.behaviour.put(SELF, Behaviour.FAIL);

        assertThatThrownBy(() -> router.gather(REQUEST, null))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partitions [0, 3]");
    }

    // --- gather: a peer never answers ---

    @Test
    void shouldTreatAPeerThatNeverAnswersAsUnavailable() {
        threeHosts();
        peers.behaviour.put(A, Behaviour.HANG);

        assertThatThrownBy(() -> router(6, Duration.ofMillis(200)).gather(REQUEST, null))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partitions [1, 4]");
    }

    @Test
    void shouldAnswerAHangingPeersPartitionsFromStandbysWhenMaxLagIsGiven() {
        threeHosts();
        peers.behaviour.put(A, Behaviour.HANG);
        cluster.standbys.put(1, List.of(B));
        cluster.standbys.put(4, List.of(B));

        final Answer<List<Map<String, Totals>>> answer = router(6, Duration.ofMillis(200)).gather(REQUEST, 10L);

        assertThat(answer.value()).isEqualTo(expectedInOrder(6));
        assertThat(peers.asked).contains(new Asked(B, REQUEST, Set.of(1), 10L), new Asked(B, REQUEST, Set.of(4), 10L));
    }

    // --- event ---

    @Test
    void shouldLookUpAnEventOnItselfWhenItOwnsTheProject() {
        final IndexedEvent event = new IndexedEvent(new byte[] {1, 2}, "P-1", 1_644_456_600_000L, 42L,
                signing("kunshan", "displays", "100.00", "CNY"), null);
        local.events.put("ev-1", event);
        cluster.owners.put("P-1", new Cluster.Owner(2, SELF));

        final Answer<Optional<IndexedEvent>> answer = router(6).event("P-1", "ev-1");

        assertThat(answer.value()).containsSame(event);
        assertThat(local.lookedUp).containsExactly(new LookedUp(SELF, "P-1", "ev-1", 2));
        assertThat(peers.lookedUp).isEmpty();
    }

    @Test
    void shouldNotShowAnotherProjectsEventUnderTheProjectAsked() {
        // P-1 and P-2 share partition 2: its index knows ev-1, which P-2 counted
        local.events.put("ev-1", new IndexedEvent(new byte[] {1, 2}, "P-2", 1_644_456_600_000L, 42L,
                signing("kunshan", "displays", "100.00", "CNY"), null));
        cluster.owners.put("P-1", new Cluster.Owner(2, SELF));

        final Answer<Optional<IndexedEvent>> answer = router(6).event("P-1", "ev-1");

        assertThat(answer.value()).isEmpty();
    }

    @Test
    void shouldRouteALookUpOnItselfAsLocal() {
        cluster.owners.put("P-1", new Cluster.Owner(2, SELF));

        final Answer<Optional<IndexedEvent>> answer = router(6).event("P-1", "ev-1");

        assertThat(routes).containsExactly(Router.Route.LOCAL);
        assertThat(answer.provenance()).isEqualTo(Provenance.of("self:1"));
    }

    @Test
    void shouldForwardAnEventLookUpToTheOwnerWithItsPartition() {
        cluster.owners.put("P-7", new Cluster.Owner(5, A));

        final Answer<Optional<IndexedEvent>> answer = router(6).event("P-7", "ev-9");

        assertThat(peers.lookedUp).containsExactly(new LookedUp(A, "P-7", "ev-9", 5));
        assertThat(local.lookedUp).isEmpty();
        assertThat(answer.value()).isEmpty();
    }

    @Test
    void shouldRouteAForwardedLookUpAsForwarded() {
        cluster.owners.put("P-7", new Cluster.Owner(5, A));

        final Answer<Optional<IndexedEvent>> answer = router(6).event("P-7", "ev-9");

        assertThat(routes).containsExactly(Router.Route.FORWARDED);
        assertThat(answer.provenance()).isEqualTo(Provenance.of("a:2"));
    }

    @Test
    void shouldRefuseAnEventLookUpWhileTheProjectHasNoOwner() {
        assertThatThrownBy(() -> router(6).event("P-1", "ev-1"))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("P-1");
        assertThat(local.lookedUp).isEmpty();
        assertThat(peers.lookedUp).isEmpty();
    }

    @Test
    void shouldRefuseAnEventLookUpWhenTheOwnerCannotAnswer() {
        cluster.owners.put("P-7", new Cluster.Owner(5, A));
        peers.behaviour.put(A, Behaviour.FAIL);

        assertThatThrownBy(() -> router(6).event("P-7", "ev-9"))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("a:2");
    }

    // --- instances ---

    @Test
    void shouldListEveryInstanceSortedById() {
        cluster.instances.addAll(List.of(SELF, B, A));

        final List<InstanceInfo> instances = router(6).instances();

        assertThat(instances).extracting(InstanceInfo::id).containsExactly("a:2", "b:3", "self:1");
        assertThat(instances).extracting(InstanceInfo::state).containsOnly("RUNNING");
    }

    @Test
    void shouldDescribeItselfLocallyAndThePeersRemotely() {
        cluster.instances.addAll(List.of(SELF, B, A));

        router(6).instances();

        assertThat(local.described).containsExactly(SELF);
        assertThat(peers.described).containsExactlyInAnyOrder(A, B);
    }

    @Test
    void shouldListItselfEvenBeforeTheMetadataKnowsIt() {
        cluster.instances.add(A);

        assertThat(router(6).instances()).extracting(InstanceInfo::id).containsExactly("a:2", "self:1");
    }

    @Test
    void shouldListAnInstanceThatCannotDescribeItselfAsUnreachable() {
        cluster.instances.addAll(List.of(SELF, A, B));
        peers.behaviour.put(B, Behaviour.FAIL);

        final List<InstanceInfo> instances = router(6).instances();

        assertThat(instances).hasSize(3);
        assertThat(instances.get(1)).isEqualTo(new InstanceInfo("b:3", "UNREACHABLE", List.of(), List.of(), Map.of()));
        assertThat(instances.get(0).state()).isEqualTo("RUNNING");
    }

    @Test
    void shouldListAnInstanceThatNeverAnswersAsUnreachable() {
        cluster.instances.addAll(List.of(SELF, A));
        peers.behaviour.put(A, Behaviour.HANG);

        final List<InstanceInfo> instances = router(6, Duration.ofMillis(200)).instances();

        assertThat(instances).extracting(InstanceInfo::id, InstanceInfo::state)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a:2", "UNREACHABLE"),
                        org.assertj.core.groups.Tuple.tuple("self:1", "RUNNING"));
    }

    // --- merging the partial totals ---

    /** Three partitions, one per host, holding the given partial totals. */
    private PartialTotalsSource source(final Map<String, Totals> p0, final Map<String, Totals> p1, final Map<String, Totals> p2) {
        store.put(0, p0);
        store.put(1, p1);
        store.put(2, p2);
        cluster.activeOwners.putAll(Map.of(0, SELF, 1, A, 2, B));
        return PartialTotalsSource.of(router(3));
    }

    @Test
    void shouldAddThePartialTotalsOfEveryPartitionPerKey() {
        final PartialTotalsSource source = source(
                ledger(signing("kunshan", "displays", "100.00", "CNY")),
                ledger(signing("kunshan", "displays", "250.50", "CNY"), signing("sip", "software", "7.00", "CNY")),
                ledger(signing("kunshan", "software", "0.25", "CNY")));

        final Map<String, Totals> totals = source.totals("", Ask.NOW).value();

        assertThat(totals.get(TotalsKey.SUMMARY).signing())
                .isEqualTo(new KindTotals(4, Map.of("CNY", new BigDecimal("357.75")), Map.of()));
        assertThat(totals.get(TotalsKey.district("kunshan")).signing())
                .isEqualTo(new KindTotals(3, Map.of("CNY", new BigDecimal("350.75")), Map.of()));
        assertThat(totals.get(TotalsKey.cell("kunshan", "displays")).signing())
                .isEqualTo(new KindTotals(2, Map.of("CNY", new BigDecimal("350.50")), Map.of()));
        assertThat(totals.get(TotalsKey.sector("software")).signing())
                .isEqualTo(new KindTotals(2, Map.of("CNY", new BigDecimal("7.25")), Map.of()));
    }

    @Test
    void shouldKeepAKeyThatOnlyOnePartitionHolds() {
        final PartialTotalsSource source = source(
                ledger(signing("kunshan", "displays", "100.00", "CNY")),
                ledger(signing("sip", "software", "7.00", "CNY")),
                Map.of());

        final Map<String, Totals> totals = source.totals("", Ask.NOW).value();

        assertThat(totals.get(TotalsKey.district("sip"))).isEqualTo(ledger(signing("sip", "software", "7.00", "CNY"))
                .get(TotalsKey.district("sip")));
        assertThat(totals).doesNotContainKey(TotalsKey.district("gusu"));
    }

    @Test
    void shouldNeverAddDifferentCurrenciesTogether() {
        final PartialTotalsSource source = source(
                ledger(signing("kunshan", "displays", "100.00", "CNY")),
                ledger(signing("kunshan", "displays", "100.00", "USD")),
                ledger(signing("kunshan", "displays", "5.00", "CNY")));

        final Totals summary = source.totals("", Ask.NOW).value().get(TotalsKey.SUMMARY);

        assertThat(summary.signing().amounts())
                .containsExactlyInAnyOrderEntriesOf(Map.of("CNY", new BigDecimal("105.00"), "USD", new BigDecimal("100.00")));
        assertThat(summary.signing().count()).isEqualTo(3);
    }

    @Test
    void shouldAddTheSecondFiguresPerCurrencyToo() {
        final PartialTotalsSource source = source(
                ledger(new Contribution(EventKind.GROUNDBREAKING, "sip", "semiconductors", "CNY",
                        new BigDecimal("4279000000.00"), new BigDecimal("1479000000.00"))),
                ledger(new Contribution(EventKind.GROUNDBREAKING, "sip", "semiconductors", "USD",
                        new BigDecimal("10.00"), new BigDecimal("4.00"))),
                ledger(new Contribution(EventKind.GROUNDBREAKING, "kunshan", "displays", "CNY",
                        new BigDecimal("1.00"), new BigDecimal("1.00"))));

        final KindTotals groundbreaking = source.totals("", Ask.NOW).value().get(TotalsKey.SUMMARY).groundbreaking();

        assertThat(groundbreaking).isEqualTo(new KindTotals(3,
                Map.of("CNY", new BigDecimal("4279000001.00"), "USD", new BigDecimal("10.00")),
                Map.of("CNY", new BigDecimal("1479000001.00"), "USD", new BigDecimal("4.00"))));
    }

    @Test
    void shouldAskEveryPartitionForThePrefixAndTheAsOfInstant() {
        final Instant asOf = Instant.parse("2022-02-10T04:00:00Z");
        final PartialTotalsSource source = source(Map.of(), Map.of(), Map.of());

        source.totals(TotalsKey.DISTRICT_PREFIX, Ask.asOf(asOf));

        final PartialsRequest<Map<String, Totals>> expected = PartialsRequest.totals(TotalsKey.DISTRICT_PREFIX, asOf.toEpochMilli());
        assertThat(local.asked).extracting(Asked::request).containsExactly(expected);
        assertThat(peers.asked).extracting(Asked::request).containsExactly(expected, expected);
    }

    @Test
    void shouldAnswerTheMergedTotalsWithTheProvenanceOfEveryPartition() {
        final PartialTotalsSource source = source(Map.of(), Map.of(), Map.of());

        final Answer<Map<String, Totals>> answer = source.totals("", Ask.NOW);

        assertThat(answer.provenance()).isEqualTo(new Provenance(Set.of("self:1", "a:2", "b:3"), false, 0));
    }

    @Test
    void shouldReadAnOrphanedPartitionFromAStandbyWithinTheAsksMaxLag() {
        final PartialTotalsSource source = source(
                ledger(signing("kunshan", "displays", "100.00", "CNY")),
                ledger(signing("kunshan", "displays", "1.00", "CNY")),
                ledger(signing("kunshan", "displays", "10.00", "CNY")));
        cluster.activeOwners.remove(2);
        cluster.standbys.put(2, List.of(A));
        peers.standbyLag.put(A, 2L);

        final Answer<Map<String, Totals>> answer = source.totals("", new Ask(null, 5L));

        assertThat(peers.asked).contains(new Asked(A, PartialsRequest.totals("", null), Set.of(2), 5L));
        assertThat(answer.value().get(TotalsKey.SUMMARY).signing().amounts()).containsEntry("CNY", new BigDecimal("111.00"));
        assertThat(answer.provenance()).isEqualTo(new Provenance(Set.of("self:1", "a:2"), true, 2));
    }

    @Test
    void shouldRefuseTheTotalsWhenAPartitionCannotBeReadRatherThanSumTheRest() {
        final PartialTotalsSource source = source(Map.of(), Map.of(), Map.of());
        peers.behaviour.put(B, Behaviour.FAIL);

        assertThatThrownBy(() -> source.totals("", Ask.NOW)).isInstanceOf(QueryUnavailableException.class);
    }

    // --- verdicts ---

    private static VerdictRequest record(final int partition, final long offset) {
        return new VerdictRequest("P-" + partition, "e-" + partition + "-" + offset, partition, offset);
    }

    @Test
    void shouldAskEachPartitionsOwnerOnceForItsVerdictsAndKeepTheirOrder() {
        final Router router = threeHosts();

        final List<Verdict> verdicts = router.verdicts(List.of(record(1, 10), record(0, 11), record(4, 12)), Duration.ofSeconds(1));

        assertThat(verdicts).extracting(Verdict::offset).containsExactly(10L, 11L, 12L);
        assertThat(verdicts).extracting(Verdict::outcome).containsOnly(Verdict.Outcome.COUNTED);
        assertThat(peers.verdictsAsked).containsExactly(A);
        assertThat(local.verdictsAsked).containsExactly(SELF);
    }

    @Test
    void shouldCallAVerdictPendingWhenItsPartitionHasNoOwnerRightNow() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(2);

        final List<Verdict> verdicts = router.verdicts(List.of(record(2, 10), record(0, 11)), Duration.ofSeconds(1));

        assertThat(verdicts).extracting(Verdict::outcome).containsExactly(Verdict.Outcome.PENDING, Verdict.Outcome.COUNTED);
    }

    @Test
    void shouldCallVerdictsPendingWhenTheirOwnerCannotAnswer() {
        final Router router = threeHosts();
        peers.behaviour.put(A, Behaviour.FAIL);

        final List<Verdict> verdicts = router.verdicts(List.of(record(1, 10), record(3, 11)), Duration.ofSeconds(1));

        assertThat(verdicts).extracting(Verdict::outcome).containsExactly(Verdict.Outcome.PENDING, Verdict.Outcome.COUNTED);
    }

    // --- events ---

    private static EventsRequest allEvents(final int limit) {
        return new EventsRequest(null, null, null, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, null, null, limit);
    }

    @Test
    void shouldMergeEveryOwnersEventsInOrderOfOccurrence() {
        final Router router = threeHosts();

        final EventsPage page = router.events(allEvents(10)).value();

        // partition p's event occurred at 1000 - p: partition 5's first
        assertThat(page.events()).extracting(SliceEvent::partition).containsExactly(5, 4, 3, 2, 1, 0);
        assertThat(page.more()).isFalse();
    }

    @Test
    void shouldSayMoreFollowWhenThePageIsFull() {
        final EventsPage page = threeHosts().events(allEvents(4)).value();

        assertThat(page.events()).hasSize(4);
        assertThat(page.more()).isTrue();
    }

    @Test
    void shouldRefuseToListEventsWhileAPartitionHasNoOwner() {
        final Router router = threeHosts();
        cluster.activeOwners.remove(3);

        assertThatThrownBy(() -> router.events(allEvents(10))).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("partition 3");
    }

    @Test
    void shouldNameTheOwnersOwnReasonWhenItCannotListEvents() {
        final Router router = threeHosts();
        peers.behaviour.put(B, Behaviour.FAIL);

        assertThatThrownBy(() -> router.events(allEvents(10))).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining("did not answer").hasMessageContaining(B + " is restoring");
    }

    @Test
    void shouldNameTheOwnersOwnReasonWhenItCannotLookAnEventUp() {
        cluster.owners.put("P-7", new Cluster.Owner(5, A));
        peers.behaviour.put(A, Behaviour.FAIL);

        assertThatThrownBy(() -> router(6).event("P-7", "ev-9")).isInstanceOf(QueryUnavailableException.class)
                .hasMessageContaining(A + " is restoring");
    }
}
