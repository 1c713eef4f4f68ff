package org.cityledger.streams.live;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

class LiveHubTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-02T00:00:00Z"), ZoneOffset.UTC);
    private final AtomicInteger encoded = new AtomicInteger();
    /** Encodes a message as its type, id and summary signing count, so that tests can read it back. */
    private final LiveHub hub = new LiveHub(new LiveHub.Limits(4, 6, 3), update -> {
        encoded.incrementAndGet();
        return (update.type().wireName() + " " + update.id() + " " + update.complete() + " "
                + (update.slices().containsKey(TotalsKey.SUMMARY) ? update.slices().get(TotalsKey.SUMMARY).signing().count() : "-"))
                .getBytes(StandardCharsets.UTF_8);
    }, CLOCK);

    private static Totals signings(final long count) {
        return new Totals(new KindTotals(count, Map.of("CNY", BigDecimal.valueOf(count)), Map.of()), KindTotals.EMPTY, KindTotals.EMPTY);
    }

    private void change(final long count) {
        hub.change(Map.of(TotalsKey.SUMMARY, signings(count)), List.of(), List.of(count));
    }

    /** Every message the subscriber has waiting, as text. */
    static List<String> drain(final LiveHub.Subscriber subscriber) throws InterruptedException {
        final List<String> messages = new ArrayList<>();
        byte[] next;
        while ((next = subscriber.next(Duration.ZERO)) != null) {
            messages.add(new String(next, StandardCharsets.UTF_8));
        }
        return messages;
    }

    @Test
    void shouldStartANewSubscriberWithASnapshotOfThePictureSoFar() throws Exception {
        change(1);
        change(2);

        final List<String> messages = drain(hub.subscribe(null));

        assertThat(messages).singleElement().satisfies(m -> assertThat(m).startsWith("snapshot ").endsWith(" true 2"));
    }

    @Test
    void shouldEncodeEachChangeOnceHoweverManySubscribers() throws Exception {
        final List<LiveHub.Subscriber> subscribers = List.of(hub.subscribe(null), hub.subscribe(null), hub.subscribe(null));
        final int before = encoded.get();

        change(1);

        assertThat(encoded.get() - before).isEqualTo(1);
        for (final LiveHub.Subscriber subscriber : subscribers) {
            assertThat(drain(subscriber)).last().satisfies(m -> assertThat(m).startsWith("delta ").endsWith(" 1"));
        }
    }

    @Test
    void shouldResumeAfterTheLastSeenIdWithExactlyTheMissedMessages() throws Exception {
        change(1);
        final String seen = hub.lastId();
        change(2);
        change(3);

        final List<String> messages = drain(hub.subscribe(seen));

        assertThat(messages).hasSize(2);
        assertThat(messages.get(0)).startsWith("delta ").endsWith(" 2");
        assertThat(messages.get(1)).startsWith("delta ").endsWith(" 3");
    }

    @Test
    void shouldResumeWithNothingWhenNothingWasMissed() throws Exception {
        change(1);

        assertThat(drain(hub.subscribe(hub.lastId()))).isEmpty();
    }

    @Test
    void shouldGiveASnapshotToASubscriberTooFarBehindToCatchUp() throws Exception {
        change(1);
        final String seen = hub.lastId();
        for (int i = 2; i <= 6; i++) {
            change(i);
        }

        assertThat(drain(hub.subscribe(seen))).singleElement().satisfies(m -> assertThat(m).startsWith("snapshot ").endsWith(" 6"));
    }

    @Test
    void shouldGiveASnapshotForAnIdOfAnotherStream() throws Exception {
        change(1);

        assertThat(drain(hub.subscribe("otherstream.1"))).singleElement().satisfies(m -> assertThat(m).startsWith("snapshot "));
    }

    @Test
    void shouldDropASubscriberWhoseQueueIsFullAndKeepServingTheOthers() throws Exception {
        final LiveHub.Subscriber slow = hub.subscribe(null);
        final LiveHub.Subscriber reading = hub.subscribe(null);
        drain(reading);

        for (int i = 1; i <= 10; i++) {
            change(i);
            assertThat(drain(reading)).singleElement().satisfies(m -> assertThat(m).startsWith("delta "));
        }

        assertThat(slow.dropped()).isTrue();
        assertThat(slow.next(Duration.ZERO)).isNull();
        assertThat(hub.droppedClients()).isEqualTo(1);
        assertThat(hub.clients()).isEqualTo(1);
    }

    @Test
    void shouldTellSubscribersWhenThePictureBecomesStaleAndWhenItIsCompleteAgain() throws Exception {
        change(1);
        final String seen = hub.lastId();
        final String stream = seen.substring(0, seen.lastIndexOf('.') + 1);
        final LiveHub.Subscriber subscriber = hub.subscribe(seen);

        hub.unavailable("partition 3 is rebalancing");
        hub.unavailable("partition 3 is rebalancing");
        hub.available();

        assertThat(drain(subscriber)).containsExactly("status " + stream + "2 false -", "status " + stream + "3 true -");
    }

    @Test
    void shouldSnapshotAStalePictureAsIncomplete() throws Exception {
        change(1);
        hub.unavailable("an instance is gone");

        assertThat(drain(hub.subscribe(null))).singleElement().satisfies(m -> assertThat(m).startsWith("snapshot ").contains(" false "));
    }

    @Test
    void shouldRefuseSubscribersBeyondItsLimit() {
        hub.subscribe(null);
        hub.subscribe(null);
        hub.subscribe(null);

        assertThatThrownBy(() -> hub.subscribe(null)).isInstanceOf(LiveHub.TooManyClientsException.class);
    }

    @Test
    void shouldFreeASubscribersPlaceWhenItCloses() {
        hub.subscribe(null).close();
        hub.subscribe(null);
        hub.subscribe(null);

        assertThat(hub.subscribe(null)).isNotNull();
    }
}
