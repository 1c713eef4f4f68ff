package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.broker.TestBroker;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.schema.Topics;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.topology.LedgerTopology;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three ledger instances on one broker: any instance answers any question the same way; when one
 * instance leaves while events keep flowing, answers are correct (possibly stale and marked so) or
 * 503, never a wrong total or a 500; afterwards the totals are exact.
 */
class ClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant BASE = Instant.parse("2022-02-10T01:30:00Z");
    private static final List<String> ENDPOINTS = List.of(
            "/api/totals/summary", "/api/totals/districts", "/api/totals/districts/kunshan", "/api/totals/sectors",
            "/api/totals/sectors/semiconductors", "/api/totals/districts/sip/sectors/5g", "/api/totals/check",
            "/api/totals/summary?asOf=2022-02-12T00:00:00Z", "/api/dead-letters?limit=5",
            "/api/projects/P-7/events/ev-7");

    private static final ClusterSecret SECRET = ClusterSecret.of("cluster-it-secret");

    @TempDir
    Path stateRoot;

    private TestBroker broker;
    private final List<LedgerNode> nodes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private long serial;

    @BeforeEach
    void startCluster() throws Exception {
        broker = TestBroker.start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        for (int i = 1; i <= 3; i++) {
            // the instances show each other the cluster secret on /internal/*, as the launcher makes them
            nodes.add(new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), stateRoot.resolve("node-" + i))
                    .withHttpPort(0).withAccess(new LedgerConfig.Access(null, null, SECRET))).start());
        }
        for (final LedgerNode node : nodes) {
            assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        }
    }

    @AfterEach
    void stopCluster() {
        nodes.forEach(LedgerNode::close);
        broker.close();
    }

    @Test
    void shouldAnswerEveryQuestionIdenticallyFromEveryInstanceAndSurviveALeavingOne() throws Exception {
        final List<LedgerEvent> first = events(1_500);
        publish(first);
        publish(List.of(events(1).get(0).toBuilder().district("atlantis").eventId("bad-1").build()));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().pollInterval(Duration.ofMillis(250))
                .until(() -> everyInstanceAgrees("/api/totals/summary") && summaryEvents(0) == first.size());

        for (final String endpoint : ENDPOINTS) {
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .untilAsserted(() -> assertThat(everyInstanceAgrees(endpoint)).as(endpoint).isTrue());
        }
        assertThat(status(nodes.get(0), "/api/instances")).isEqualTo(200);
        assertThat(JSON.readTree(get(nodes.get(0), "/api/instances").body())).hasSize(3);
        // the instances answered each other above; an outsider without the secret is turned away
        assertThat(status(nodes.get(0), "/internal/instance")).isEqualTo(403);

        final List<LedgerEvent> second = events(3_000);
        final AtomicLong published = new AtomicLong(first.size());
        final AtomicBoolean done = new AtomicBoolean();
        final ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        final AtomicLong answered = new AtomicLong();
        final List<LedgerNode> survivors = List.copyOf(nodes.subList(0, 2));
        final ExecutorService background = Executors.newFixedThreadPool(2);
        try {
            final Future<?> producer = background.submit(() -> {
                for (int i = 0; i < second.size(); i += 100) {
                    publish(second.subList(i, Math.min(second.size(), i + 100)));
                    published.addAndGet(Math.min(100, second.size() - i));
                }
                return null;
            });
            final Future<?> prober = background.submit(() -> {
                while (!done.get()) {
                    for (final LedgerNode node : survivors) {
                        probe(node, published, wrong, answered);
                    }
                }
                return null;
            });
            await().atMost(Duration.ofSeconds(30)).until(() -> published.get() > first.size() + 500);
            nodes.remove(2).close();
            producer.get();
            await().atMost(Duration.ofSeconds(120)).ignoreExceptions().pollInterval(Duration.ofMillis(250))
                    .until(() -> summaryEvents(0) == first.size() + second.size() && summaryEvents(1) == first.size() + second.size());
            done.set(true);
            prober.get();
        } finally {
            done.set(true);
            background.shutdownNow();
        }

        assertThat(wrong).isEmpty();
        assertThat(answered.get()).isPositive();
        final List<LedgerEvent> all = new ArrayList<>(first);
        all.addAll(second);
        for (final LedgerNode node : nodes) {
            assertThat(node.totals().summary(Ask.NOW).value().totals().signing().amounts())
                    .isEqualTo(oracleSigning(all));
            assertThat(node.totals().check(Ask.NOW).value().holds()).isTrue();
        }
    }

    /** One round of questions during the hand-over: each answer is right (maybe stale, and then marked) or a 503. */
    private void probe(final LedgerNode node, final AtomicLong published, final ConcurrentLinkedQueue<String> wrong,
                       final AtomicLong answered) throws Exception {
        final HttpResponse<String> check = get(node, "/api/totals/check?maxLag=100000");
        final HttpResponse<String> summary = get(node, "/api/totals/summary");
        for (final HttpResponse<String> response : List.of(check, summary)) {
            if (response.statusCode() != 200 && response.statusCode() != 503) {
                wrong.add(response.uri() + " answered " + response.statusCode() + ": " + response.body());
            }
            if (response.statusCode() == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
                wrong.add(response.uri() + " answered 503 without Retry-After");
            }
        }
        if (check.statusCode() == 200) {
            answered.incrementAndGet();
            if (!JSON.readTree(check.body()).path("holds").asBoolean()) {
                wrong.add("invariant broken: " + check.body());
            }
        }
        if (summary.statusCode() == 200) {
            // read after the answer: a round of questions during a hand-over may take seconds, while publishing goes on
            final long publishedSoFar = published.get();
            final long events = JSON.readTree(summary.body()).path("events").asLong();
            if (events > publishedSoFar + 100) {
                wrong.add("counted " + events + " events when at most " + publishedSoFar + " were published");
            }
            if (!"false".equals(summary.headers().firstValue("X-Ledger-Stale").orElse(""))) {
                wrong.add("an answer without maxLag must never be stale: " + summary.headers().map());
            }
        }
    }

    private boolean everyInstanceAgrees(final String endpoint) throws Exception {
        final List<String> bodies = new ArrayList<>();
        for (final LedgerNode node : nodes) {
            final HttpResponse<String> response = get(node, endpoint);
            if (response.statusCode() != 200) {
                return false;
            }
            bodies.add(response.body());
        }
        return bodies.stream().distinct().count() == 1;
    }

    private long summaryEvents(final int node) {
        return nodes.get(node).totals().summary(Ask.NOW).value().totals().events();
    }

    private int status(final LedgerNode node, final String path) throws Exception {
        return get(node, path).statusCode();
    }

    private HttpResponse<String> get(final LedgerNode node, final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, BigDecimal> oracleSigning(final List<LedgerEvent> events) {
        final Map<String, BigDecimal> sums = new HashMap<>();
        events.stream().filter(e -> e.kind() == EventKind.SIGNING)
                .forEach(e -> sums.merge(e.amount().currency(), e.amount().value().setScale(4), BigDecimal::add));
        return sums;
    }

    private List<LedgerEvent> events(final int count) {
        final List<LedgerEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final long n = serial++;
            final EventKind kind = EventKind.values()[(int) (n % 3)];
            final BigDecimal value = BigDecimal.valueOf(1_000_000L + n * 137, 2);
            final String currency = n % 11 == 0 ? "USD" : "CNY";
            final LedgerEvent.Builder builder = LedgerEvent.builder(kind).eventId("ev-" + n)
                    .occurredAt(BASE.plusSeconds(n * 60))
                    .district(Reference.DISTRICTS.get((int) (n % Reference.DISTRICTS.size())).code())
                    .sector(Reference.SECTORS.get((int) (n % Reference.SECTORS.size())).code())
                    .project(new ProjectRef("P-" + n % 97, "Project", "Company", "advanced-manufacturing"))
                    .amount(new Amount(value, currency));
            if (kind == EventKind.GROUNDBREAKING) {
                builder.plannedWithinYear(new Amount(BigDecimal.ONE, currency));
            } else if (kind == EventKind.FUNDING) {
                builder.program("fiscal-support");
            }
            events.add(builder.build());
        }
        return events;
    }

    @Test
    void shouldStreamFromEveryInstanceTheChangesCountedOnAnother() throws Exception {
        final LedgerNode counting = nodes.get(0);
        final HostInfo countingHost = new HostInfo(counting.config().advertisedHost(), counting.httpPort());
        try (SseClient second = new SseClient("http://localhost:" + nodes.get(1).httpPort(), null);
             SseClient third = new SseClient("http://localhost:" + nodes.get(2).httpPort(), null)) {
            // a node reads its picture only while some client watches: what a client is told is what counts
            await().atMost(Duration.ofSeconds(30)).until(() -> complete(second) && complete(third));
            // chosen once every partition can be read, so that the event is counted on the first node indeed
            LedgerEvent event = null;
            for (int i = 0; event == null; i++) {
                final LedgerEvent candidate = TestEvents.signing("cluster-live-" + i, "taicang", "optical-comms", "77.70", "CNY");
                final KeyQueryMetadata owner = counting.streams().queryMetadataForKey(LedgerTopology.TOTALS_STORE,
                        candidate.project().id(), Serdes.String().serializer());
                if (countingHost.equals(owner.activeHost())) {
                    event = candidate;
                }
            }

            publish(List.of(event));

            final String id = event.eventId();
            await().atMost(Duration.ofSeconds(30)).until(() -> second.saw(id) && third.saw(id));
            assertThat(second.summary().path("signing").path("count").asLong()).isEqualTo(1);
            assertThat(second.summary()).isEqualTo(third.summary());
            assertThat(second.last().data().path("instance").asText()).endsWith(":" + nodes.get(1).httpPort());
        }
    }

    private static boolean complete(final SseClient client) {
        final SseClient.Message last = client.last();
        return last != null && client.summary() != null && last.data().path("complete").asBoolean(false);
    }

    private void publish(final List<LedgerEvent> events) throws Exception {
        TopicWriter.publish(broker.bootstrapServers(), events);
    }
}
