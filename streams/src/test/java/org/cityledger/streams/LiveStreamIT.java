package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Reference;
import org.cityledger.schema.Topics;
import org.cityledger.streams.live.LiveHub;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.state.CommitGate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live stream on a real node over a real broker: what is counted arrives as a delta, a
 * reconnecting client misses nothing, and a client that stops reading is dropped while the others
 * keep receiving.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveStreamIT {

    /** A small queue, so that a stalled client overflows it after a few changes. */
    private static final LiveHub.Limits LIMITS = new LiveHub.Limits(256, 8, 50);
    private static final Duration WITHIN = Duration.ofSeconds(30);

    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private String base;
    private final AtomicInteger ids = new AtomicInteger();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir).withHttpPort(0), null,
                CommitGate.Observer.NONE, LIMITS).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        base = "http://localhost:" + node.httpPort();
        // the totals answer: a client's first picture is then complete
        await().atMost(WITHIN).ignoreExceptions().until(() -> node.totals().summary(Ask.NOW).value() != null);
    }

    @AfterAll
    void stop() {
        node.close();
        broker.close();
    }

    @Test
    void shouldPushTheNewTotalsAndTheEventWhenAnEventIsCounted() throws Exception {
        try (SseClient client = new SseClient(base, null)) {
            assertThat(client.status()).isEqualTo(200);
            await().atMost(WITHIN).until(() -> client.summary() != null);
            assertThat(client.messages().get(0).event()).isEqualTo("snapshot");
            final long before = client.summary().path("signing").path("count").asLong();

            final LedgerEvent event = TestEvents.signing("live-" + ids.incrementAndGet(), "kunshan", "displays", "1234.50", "CNY");
            TopicWriter.publish(broker.bootstrapServers(), List.of(event));

            await().atMost(WITHIN).until(() -> client.saw(event.eventId()));
            final SseClient.Message delta = client.messages().stream()
                    .filter(m -> m.data().path("events").toString().contains(event.eventId())).findFirst().orElseThrow();
            assertThat(delta.event()).isEqualTo("delta");
            assertThat(delta.data().path("complete").asBoolean()).isTrue();
            assertThat(delta.data().path("summary").path("signing").path("count").asLong()).isEqualTo(before + 1);
            assertThat(delta.data().path("districts").toString()).contains("\"district\":\"kunshan\"");
            assertThat(delta.data().path("cells").toString()).contains("\"district\":\"kunshan\",\"sector\":\"displays\"");
            assertThat(delta.data().path("events").get(0).path("amount").asText()).isEqualTo("1234.50");
        }
    }

    @Test
    void shouldResumeFromTheLastEventIdWithoutLosingAChange() throws Exception {
        final String lastSeen;
        final long before;
        // another dashboard stays connected, so the picture moves on while the first is away
        try (SseClient watcher = new SseClient(base, null)) {
            try (SseClient first = new SseClient(base, null)) {
                await().atMost(WITHIN).until(() -> first.summary() != null);
                lastSeen = first.last().id();
                before = first.summary().path("signing").path("count").asLong();
            }
            final LedgerEvent a = TestEvents.signing("live-" + ids.incrementAndGet(), "gusu", "software", "10.00", "CNY");
            final LedgerEvent b = TestEvents.signing("live-" + ids.incrementAndGet(), "wujiang", "5g", "20.00", "CNY");
            TopicWriter.publish(broker.bootstrapServers(), List.of(a));
            await().atMost(WITHIN).until(() -> !node.live().hub().lastId().equals(lastSeen));
            TopicWriter.publish(broker.bootstrapServers(), List.of(b));
            await().atMost(WITHIN).ignoreExceptions().until(() -> node.totals().summary(Ask.NOW)
                    .value().totals().signing().count() == before + 2);
            resume(lastSeen, before, a, b);
            await().atMost(WITHIN).until(() -> watcher.saw(a.eventId()) && watcher.saw(b.eventId()));
        }
    }

    @Test
    void shouldBringANewClientsPictureUpToWhatWasCountedBeforeItCame() throws Exception {
        final long before;
        try (SseClient first = new SseClient(base, null)) {
            await().atMost(WITHIN).until(() -> first.summary() != null);
            before = first.summary().path("signing").path("count").asLong();
        }
        // a closed client's subscription ends at the next write to it (a change or the heartbeat): the
        // service may still be refreshing for it, and then the next client's snapshot is its last round's,
        // one interval old at most, with the change after it; or it is idle, and reads as the client comes
        // (LiveServiceTest). Either way the new client's picture holds the change at once or a round later
        final LedgerEvent c = TestEvents.signing("live-" + ids.incrementAndGet(), "gusu", "software", "30.00", "CNY");
        TopicWriter.publish(broker.bootstrapServers(), List.of(c));
        await().atMost(WITHIN).ignoreExceptions().until(() -> node.totals().summary(Ask.NOW)
                .value().totals().signing().count() == before + 1);

        try (SseClient next = new SseClient(base, null)) {
            await().atMost(WITHIN).until(() -> next.summary() != null
                    && next.summary().path("signing").path("count").asLong() == before + 1);
            assertThat(next.messages().get(0).event()).isEqualTo("snapshot");
            assertThat(next.messages().get(0).data().path("summary").path("signing").path("count").asLong())
                    .isBetween(before, before + 1);
        }
    }

    private void resume(final String lastSeen, final long before, final LedgerEvent a, final LedgerEvent b) throws Exception {
        try (SseClient resumed = new SseClient(base, lastSeen)) {
            await().atMost(WITHIN).until(() -> resumed.saw(a.eventId()) && resumed.saw(b.eventId()));
            final List<SseClient.Message> messages = resumed.messages();
            assertThat(messages).extracting(SseClient.Message::event).doesNotContain("snapshot");
            final long seen = sequence(lastSeen);
            for (int i = 0; i < messages.size(); i++) {
                assertThat(sequence(messages.get(i).id())).as("message %d follows without a gap", i).isEqualTo(seen + 1 + i);
            }
            assertThat(resumed.summary().path("signing").path("count").asLong()).isEqualTo(before + 2);
        }
    }

    @Test
    void shouldGiveASnapshotToAnIdItCannotResumeFrom() {
        try (SseClient client = new SseClient(base, "another-stream.12")) {
            await().atMost(WITHIN).until(() -> client.last() != null);
            assertThat(client.messages().get(0).event()).isEqualTo("snapshot");
        }
    }

    @Test
    void shouldDropAClientThatStopsReadingWhileTheOthersKeepReceiving() throws Exception {
        final long droppedBefore = node.live().hub().droppedClients();
        try (Socket stalled = new Socket(); SseClient reading = new SseClient(base, null)) {
            // a small window, and nothing read: the server's writes back up after a few messages
            stalled.setReceiveBufferSize(1024);
            stalled.connect(new InetSocketAddress("localhost", node.httpPort()));
            final OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(WITHIN).until(() -> node.live().hub().clients() >= 2);

            await().atMost(WITHIN).until(() -> reading.summary() != null);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(() -> {
                publishRound(reading);
                return node.live().hub().droppedClients() > droppedBefore;
            });
            // the one that reads still gets every change
            publishRound(reading);
            assertThat(node.live().hub().droppedClients()).isEqualTo(droppedBefore + 1);
        }
    }

    /** Forty events in forty cells, until {@code reading}'s picture counts them: a large change of the picture. */
    private void publishRound(final SseClient reading) throws Exception {
        final long before = reading.summary().path("signing").path("count").asLong();
        final List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            events.add(TestEvents.signing("live-" + ids.incrementAndGet(), Reference.DISTRICTS.get(i % 10).code(),
                    Reference.SECTORS.get(i / 10 * 2 + i % 2).code(), "1.00", "CNY"));
        }
        TopicWriter.publish(broker.bootstrapServers(), events);
        await().atMost(WITHIN).until(() -> reading.summary().path("signing").path("count").asLong() == before + 40);
    }

    private static long sequence(final String id) {
        return Long.parseLong(id.substring(id.lastIndexOf('.') + 1));
    }
}
