package org.cityledger.streams.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

class LiveServiceTest {

    private final AtomicReference<List<PartitionTotals>> committed = new AtomicReference<>(List.of());
    private final AtomicInteger feedAsked = new AtomicInteger();
    private final List<FeedEvent> counted = new ArrayList<>();
    private final LiveHub hub = new LiveHub(new LiveHub.Limits(16, 16, 4),
            update -> (update.type().wireName() + " " + update.complete() + " " + update.slices().keySet() + " "
                    + update.events().size()).getBytes(StandardCharsets.UTF_8), Clock.systemUTC());
    private final AtomicInteger totalsRead = new AtomicInteger();
    private final LiveService service = new LiveService(() -> {
        totalsRead.incrementAndGet();
        final List<PartitionTotals> now = committed.get();
        if (now == null) {
            throw new QueryUnavailableException("partition 1 is not available right now (rebalancing or restoring)");
        }
        return now;
    }, (before, now, limit) -> {
        feedAsked.incrementAndGet();
        return List.copyOf(counted);
    }, hub, Duration.ofMillis(200));

    private static PartitionTotals partition(final long sequence, final long offset, final long signings) {
        final TreeMap<String, Totals> slices = new TreeMap<>();
        slices.put(TotalsKey.SUMMARY, new Totals(new KindTotals(signings, Map.of("CNY", BigDecimal.valueOf(signings)), Map.of()),
                KindTotals.EMPTY, KindTotals.EMPTY));
        return new PartitionTotals(sequence, offset, 0, slices);
    }

    @Test
    void shouldPublishOneDeltaPerRoundInWhichSomethingMoved() throws Exception {
        final LiveHub.Subscriber subscriber = hub.subscribe(hub.lastId());
        committed.set(List.of(partition(1, 10, 1), partition(1, 4, 0)));
        service.refresh();
        LiveHubTest.drain(subscriber);

        counted.add(new FeedEvent("e-2", "P-2", null, null, EventKind.SIGNING, "gusu", "5g", "CNY", BigDecimal.ONE, null, null,
                0, 0, 1, 5));
        committed.set(List.of(partition(1, 10, 1), partition(2, 5, 1)));
        service.refresh();

        assertThat(LiveHubTest.drain(subscriber)).containsExactly("delta true [T] 1");
    }

    @Test
    void shouldNeitherReadTheFeedNorPublishWhenNoPartitionCommitted() throws Exception {
        final LiveHub.Subscriber subscriber = hub.subscribe(hub.lastId());
        committed.set(List.of(partition(1, 10, 1)));
        service.refresh();
        LiveHubTest.drain(subscriber);
        final int asked = feedAsked.get();

        service.refresh();
        service.refresh();

        assertThat(feedAsked.get()).isEqualTo(asked);
        assertThat(LiveHubTest.drain(subscriber)).isEmpty();
    }

    @Test
    void shouldMarkThePictureStaleWhileAPartitionCannotBeReadAndNeverPublishPartialTotals() throws Exception {
        final LiveHub.Subscriber subscriber = hub.subscribe(hub.lastId());
        committed.set(List.of(partition(1, 10, 1)));
        service.refresh();
        LiveHubTest.drain(subscriber);

        committed.set(null);
        service.refresh();
        service.refresh();
        committed.set(List.of(partition(2, 11, 2)));
        service.refresh();

        assertThat(LiveHubTest.drain(subscriber)).containsExactly("status false [] 0", "status true [] 0", "delta true [T] 0");
    }

    @Test
    void shouldReadNothingWhileNoClientIsSubscribed() {
        committed.set(List.of(partition(1, 10, 1)));

        service.refresh();
        service.refresh();

        assertThat(totalsRead.get()).isZero();
        assertThat(feedAsked.get()).isZero();
    }

    @Test
    void shouldPublishWhatMovedWhileNobodyWatchedAtTheFirstRoundWithAClient() throws Exception {
        final LiveHub.Subscriber first = hub.subscribe(hub.lastId());
        committed.set(List.of(partition(1, 10, 1)));
        service.refresh();
        first.close();
        committed.set(List.of(partition(2, 11, 2)));
        service.refresh();

        final LiveHub.Subscriber subscriber = hub.subscribe(hub.lastId());
        service.refresh();

        assertThat(LiveHubTest.drain(subscriber)).containsExactly("delta true [T] 0");
    }

    @Test
    void shouldStartANewClientWithThePictureAsOfNowAfterIdling() throws Exception {
        committed.set(List.of(partition(1, 10, 1)));
        service.refresh();

        final LiveHub.Subscriber subscriber = service.subscribe(null);

        assertThat(totalsRead.get()).isEqualTo(1);
        assertThat(LiveHubTest.drain(subscriber)).containsExactly("snapshot true [T] 0");
    }

    @Test
    void shouldReadNothingForANewClientWhileAnotherWatches() throws Exception {
        committed.set(List.of(partition(1, 10, 1)));
        final LiveHub.Subscriber first = service.subscribe(null);

        final LiveHub.Subscriber second = service.subscribe(null);

        // the ticker keeps a watched picture within one interval: a connect is no read of the cluster
        assertThat(totalsRead.get()).isEqualTo(1);
        assertThat(LiveHubTest.drain(second)).containsExactly("snapshot true [T] 0");
        first.close();
    }

    @Test
    void shouldStartANewClientWithAStalePictureWhileAPartitionCannotBeRead() throws Exception {
        committed.set(null);

        final LiveHub.Subscriber subscriber = service.subscribe(null);

        assertThat(LiveHubTest.drain(subscriber)).containsExactly("snapshot false [] 0");
    }
}
