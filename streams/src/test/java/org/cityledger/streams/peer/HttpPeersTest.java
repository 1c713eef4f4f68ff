package org.cityledger.streams.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cityledger.streams.peer.ScriptedServer.Step.answer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.QueryUnavailableException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpPeersTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final InstanceInfo PEER = new InstanceInfo("localhost:1", "RUNNING", List.of(0), List.of(), Map.of());

    private ScriptedServer server;

    @AfterEach
    void stopServer() throws IOException {
        if (server != null) {
            server.close();
        }
    }

    private static String describing(final InstanceInfo instance) {
        final String json = WireJson.writeInstance(instance);
        return "HTTP/1.1 200 OK\r\nContent-Length: " + json.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + json;
    }

    @Test
    void shouldSendItsHeadersWithEveryQuestion() throws IOException, InterruptedException, ExecutionException {
        server = ScriptedServer.plain(answer(describing(PEER)), answer(describing(PEER)));
        try (HttpPeers peers = new HttpPeers(TIMEOUT, null, Map.of("X-Ledger-Secret", "s3cret"))) {
            final HostInfo host = new HostInfo("localhost", server.port());
            peers.describe(host).get();
            peers.describe(host).get();
        }
        assertThat(server.requests()).allSatisfy(request -> assertThat(request).contains("X-Ledger-Secret: s3cret"));
        assertThat(server.requests()).hasSize(2);
    }

    @Test
    void shouldAskOverHttpsWhenGivenATlsContext(@TempDir final Path dir)
            throws IOException, GeneralSecurityException, InterruptedException, ExecutionException {
        final TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "dns:localhost");
        server = ScriptedServer.tls(certificate.server(), answer(describing(PEER)));
        try (HttpPeers peers = new HttpPeers(TIMEOUT, certificate.client(), Map.of())) {
            assertThat(peers.describe(new HostInfo("localhost", server.port())).get()).isEqualTo(PEER);
        }
    }

    @Test
    void shouldTreatAPeersOversizedAnswerAsUnavailable() throws IOException {
        server = ScriptedServer.plain(answer("HTTP/1.1 200 OK\r\nContent-Length: " + (HttpPeers.MAX_BODY_BYTES + 1L)
                + "\r\n\r\n{"));
        try (HttpPeers peers = new HttpPeers(TIMEOUT)) {
            assertThatThrownBy(() -> peers.describe(new HostInfo("localhost", server.port())).get())
                    .hasCauseInstanceOf(QueryUnavailableException.class)
                    .hasMessageContaining("larger than the limit");
        }
    }

    @Test
    void shouldRefuseAHeaderThatCannotBeSentAsItIs() {
        assertThatThrownBy(() -> new HttpPeers(TIMEOUT, null, Map.of("X Secret", "s")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a header name");
    }
}
