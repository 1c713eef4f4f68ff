package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.cityledger.broker.TestBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.Topics;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.peer.TestCertificates;
import org.cityledger.streams.query.Ask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two instances serving HTTPS ask each other over HTTPS, trusting their own keystore's certificate:
 * each answers questions that need the other's partitions, as a plain-HTTP cluster does.
 */
class HttpsPeersIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = 60;

    @TempDir
    Path dir;

    private TestBroker broker;
    private TestCertificates.Pair certificate;
    private final List<LedgerNode> nodes = new ArrayList<>();

    @BeforeEach
    void startCluster() throws Exception {
        broker = TestBroker.start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        // one certificate for both, naming the host they advertise (localhost), as the secured demo's does
        certificate = TestCertificates.selfSigned(dir, "dns:localhost,ip:127.0.0.1");
        for (int i = 1; i <= 2; i++) {
            // no standbys: a question about the other instance's partitions must be asked of it
            nodes.add(new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir.resolve("node-" + i))
                    .withHttpPort(0).withStandbyReplicas(0).withStreamThreads(1)
                    .withAccess(new LedgerConfig.Access(null, null, ClusterSecret.of("https-peers-it-secret")))
                    .withHttps(new LedgerConfig.HttpsKeystore(certificate.keystore(), certificate.password()))).start());
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
    void shouldAnswerTotalsGatheredFromAPeerOverHttps() throws Exception {
        final List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            events.add(TestEvents.signing("https-" + i, "kunshan", "displays", "10.00", "CNY"));
        }
        TopicWriter.publish(broker.bootstrapServers(), events);

        // each instance runs some of the partitions only: the summary needs the other's, asked over HTTPS
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().pollInterval(Duration.ofMillis(250)).until(() ->
                nodes.stream().allMatch(node -> node.totals().summary(Ask.NOW).value().totals().events() == EVENTS));
        assertThat(nodes.get(0).streams().metadataForLocalThreads().stream()
                .flatMap(t -> t.activeTasks().stream()).count()).isLessThan(Topics.DEFAULT_PARTITIONS);
    }

    @Test
    void shouldListBothInstancesAsAnsweredByEachOtherOverHttps() throws Exception {
        final HttpClient client = HttpClient.newBuilder().sslContext(certificate.client()).build();

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            final HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + nodes.get(0).httpPort() + "/api/instances")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(JSON.readTree(response.body())).hasSize(2);
            // the other instance described itself: had its HTTPS failed it would be listed unreachable
            assertThat(response.body()).doesNotContain("UNREACHABLE");
        });
    }
}
