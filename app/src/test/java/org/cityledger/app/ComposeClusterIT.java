package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Reference;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.ProgressListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The top-level docker-compose.yml as an operator runs it: three brokers, two ledger nodes, the demo
 * publisher. Driven through the docker-compose CLI (compose v1 here), on free host ports and its own
 * project name. The steps build on each other (a broker down, then a node down, then back), so the
 * tests run in order; each checks one behaviour. Failover times are printed, not asserted.
 * Runs in the 'containers' profile only.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration COMPOSE_COMMAND_LIMIT = Duration.ofMinutes(10);
    private static final Duration CLUSTER_LIMIT = Duration.ofMinutes(4);
    private static final String SUMMARY = "/api/totals/summary";
    private static final int DEMO_EVENTS = DemoDataSet.events().size();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String project = "cltest" + ProcessHandle.current().pid();
    private final Map<String, String> ports = new HashMap<>();
    private Path composeFile;
    /** Distinct events acknowledged by Kafka so far: what both nodes must count, no more and no less. */
    private long acknowledged;

    @BeforeAll
    void upAndPublishTheDemo() throws Exception {
        composeFile = findComposeFile();
        for (final String port : List.of("LEDGER_1_PORT", "LEDGER_2_PORT", "KAFKA_1_PORT", "KAFKA_2_PORT", "KAFKA_3_PORT")) {
            ports.put(port, String.valueOf(freePort()));
        }
        final long started = System.nanoTime();
        compose("up", "-d", "--build");
        await().atMost(CLUSTER_LIMIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> containerState("demo-publisher").startsWith("exited"));
        assertThat(containerState("demo-publisher")).as("the demo publisher's exit").isEqualTo("exited 0");
        acknowledged = DEMO_EVENTS;
        report("compose up until the demo was counted", started);
    }

    @AfterAll
    void down() throws Exception {
        if (composeFile == null) {
            return;
        }
        try {
            for (final String node : List.of("ledger-1", "ledger-2")) {
                System.out.printf(Locale.ROOT, "[compose-cluster] %s at the end: %s%n", node, stateOrWhy(node));
            }
            Files.writeString(Path.of("target", "compose-cluster-it.log"), compose("logs", "--no-color"), StandardCharsets.UTF_8);
        } finally {
            compose("down", "-v", "--remove-orphans");
        }
    }

    @Test
    @Order(1)
    void shouldServeTheConferenceFiguresIdenticallyFromBothNodes() throws Exception {
        final JsonNode one = get(1, SUMMARY);

        assertThat(one.path("signing").path("count").asInt()).isEqualTo(81);
        assertThat(one.path("signing").path("amounts").path("CNY").asText()).isEqualTo("72000000000.00");
        assertThat(one.path("signing").path("amounts").path("USD").asText()).isEqualTo("1800000000.00");
        assertThat(one.path("groundbreaking").path("amounts").path("CNY").asText()).isEqualTo("57000000000.00");
        assertThat(one.path("funding").path("amounts").path("CNY").asText()).isEqualTo("2689000000.00");
        assertThat(get(2, SUMMARY)).isEqualTo(one);
    }

    @Test
    @Order(2)
    void shouldCountEveryAcknowledgedEventOnceWhileABrokerIsStopped() throws Exception {
        compose("stop", "kafka-2");
        final long stopped = System.nanoTime();
        acknowledged += publish(copiesOfTheDemo("broker-down-"));
        report("broker stopped until the copies were acknowledged", stopped);
        awaitBothNodesCount(acknowledged);
        report("broker stopped until both nodes counted every acknowledged event", stopped);
        compose("start", "kafka-2");
        // the same events again (a re-delivery once the broker is back), then new ones: only the new count
        publish(copiesOfTheDemo("broker-down-"));
        acknowledged += publish(copiesOfTheDemo("broker-back-"));
        awaitBothNodesCount(acknowledged);

        assertThat(get(1, SUMMARY).path("signing").path("amounts").path("CNY").asText()).isEqualTo("216000000000.00");
        assertThat(get(2, SUMMARY)).isEqualTo(get(1, SUMMARY));
    }

    @Test
    @Order(3)
    void shouldAnswerEveryDistrictFromTheOtherNodeWhileOneIsStopped() throws Exception {
        compose("stop", "ledger-2");
        final long stopped = System.nanoTime();
        // new events while the node is away, so that its restart has something to catch up on
        acknowledged += publish(copiesOfTheDemo("node-down-"));
        await().atMost(CLUSTER_LIMIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> everyDistrictAnswers(1) && get(1, SUMMARY).path("events").asLong() == acknowledged);
        report("ledger-2 stopped until ledger-1 answered every district", stopped);

        assertThat(get(1, "/api/totals/check").path("holds").asBoolean()).isTrue();
        assertThat(get(1, SUMMARY).path("signing").path("count").asLong()).isEqualTo(81L * acknowledged / DEMO_EVENTS);
    }

    @Test
    @Order(4)
    void shouldCatchUpAndAnswerIdenticallyAfterTheNodeRestarts() throws Exception {
        final long restarted = System.nanoTime();
        compose("start", "ledger-2");
        await().atMost(CLUSTER_LIMIT).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get(2, SUMMARY).path("events").asLong() == acknowledged && everyDistrictAnswers(2));
        report("ledger-2 restarted until it answered caught up", restarted);

        assertThat(get(2, SUMMARY)).isEqualTo(get(1, SUMMARY));
        assertThat(get(2, "/api/totals/districts")).isEqualTo(get(1, "/api/totals/districts"));
    }

    @Test
    @Order(5)
    void shouldHaveCountedThroughTheFailoversWithoutANodeStoppingOnItsOwn() throws Exception {
        // the compose file restarts a node that stopped (restart: unless-stopped), which would hide a node
        // that failed under a broker's stop: the counts above would still come right after its restart
        for (final String node : List.of("ledger-1", "ledger-2")) {
            assertThat(stateOrWhy(node)).as("%s's container", node).isEqualTo("running, exit code 0, 0 restart(s)");
        }
    }

    /** The demo's events under fresh ids: valid, distinct, the demo's figures once more. */
    private static List<LedgerEvent> copiesOfTheDemo(final String idPrefix) {
        final List<LedgerEvent> copies = new ArrayList<>();
        DemoDataSet.events().forEach(event -> copies.add(event.toBuilder().eventId(idPrefix + event.eventId()).build()));
        return copies;
    }

    /** Publishes to the cluster's host listeners; answers how many Kafka acknowledged (all or it throws). */
    private long publish(final List<LedgerEvent> events) {
        final String servers = String.join(",", "localhost:" + ports.get("KAFKA_1_PORT"),
                "localhost:" + ports.get("KAFKA_2_PORT"), "localhost:" + ports.get("KAFKA_3_PORT"));
        try (LedgerPublisher publisher = new LedgerPublisher(servers)) {
            return publisher.publishAll(events, ProgressListener.none()).published();
        }
    }

    /** Waits for both nodes to count {@code events}; a timeout says what each node last answered, and its container's state. */
    private void awaitBothNodesCount(final long events) {
        final String expected = String.valueOf(events);
        await().atMost(CLUSTER_LIMIT).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(List.of(countedBy(1), countedBy(2))).isEqualTo(List.of(expected, expected)));
    }

    /** The events a node's summary counts, or why it did not say: its answer, the request's failure, its container's state. */
    private String countedBy(final int node) throws InterruptedException {
        try {
            final HttpResponse<String> response = send(node, SUMMARY);
            if (response.statusCode() == 200) {
                return JSON.readTree(response.body()).path("events").asText();
            }
            return "ledger-" + node + " answered " + response.statusCode() + ": " + response.body();
        } catch (final IOException e) {
            return "ledger-" + node + " did not answer (" + e + "); its container: " + stateOrWhy("ledger-" + node);
        }
    }

    private String stateOrWhy(final String service) {
        try {
            return inspect(service, "{{.State.Status}}, exit code {{.State.ExitCode}}, {{.RestartCount}} restart(s)");
        } catch (final Exception e) {
            return "unknown (" + e + ")";
        }
    }

    private boolean everyDistrictAnswers(final int node) throws IOException, InterruptedException {
        for (final Reference.Code district : Reference.DISTRICTS) {
            if (send(node, "/api/totals/districts/" + district.code()).statusCode() != 200) {
                return false;
            }
        }
        return true;
    }

    private JsonNode get(final int node, final String path) throws IOException, InterruptedException {
        final HttpResponse<String> response = send(node, path);
        assertThat(response.statusCode()).as("ledger-%d %s: %s", node, path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private HttpResponse<String> send(final int node, final String path) throws IOException, InterruptedException {
        final URI uri = URI.create("http://localhost:" + ports.get("LEDGER_" + node + "_PORT") + path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** "running", "exited 0", ... of the service's container. */
    private String containerState(final String service) throws Exception {
        return inspect(service, "{{.State.Status}} {{.State.ExitCode}}").replace("running 0", "running");
    }

    /** {@code docker inspect -f format} of the service's container. */
    private String inspect(final String service, final String format) throws Exception {
        final String id = compose("ps", "-q", service).strip();
        return run(List.of("docker", "inspect", "-f", format, id)).strip();
    }

    private String compose(final String... arguments) throws Exception {
        final List<String> command = new ArrayList<>(List.of("docker-compose", "-p", project, "-f", composeFile.toString()));
        command.addAll(List.of(arguments));
        return run(command);
    }

    private String run(final List<String> command) throws Exception {
        final ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(ports);
        final Process process = builder.start();
        final byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(COMPOSE_COMMAND_LIMIT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMPOSE_COMMAND_LIMIT);
        }
        final String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s:%n%s", String.join(" ", command), text).isZero();
        return text;
    }

    private static void report(final String what, final long startedNanos) {
        System.out.printf(Locale.ROOT, "[compose-cluster] %s: %.1f s%n", what, (System.nanoTime() - startedNanos) / 1e9);
    }

    private static Path findComposeFile() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docker-compose.yml")) && Files.isRegularFile(dir.resolve("Dockerfile"))) {
                return dir.resolve("docker-compose.yml");
            }
        }
        throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
