package org.cityledger.streams.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.access.AccessPolicy;
import org.cityledger.streams.access.CredentialTransport;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.access.ReadToken;
import org.cityledger.streams.peer.TestCertificates;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.query.Answer;
import org.cityledger.streams.state.DeadLetterPage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger's API reached from the network, not over loopback: a bearer token sent over plain HTTP
 * is refused with the reason, while the same token over HTTPS is taken. The client runs on this
 * machine but connects to one of its non-loopback addresses, so the server sees that address as the
 * request's origin, as it would see another machine's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PlainHttpCredentialsIT {

    private static final String TOKEN = "reader-token-for-the-test";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private InetAddress address;
    private Javalin plain;
    private Javalin tls;
    private int tlsPort;
    private HttpClient client;

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        final Optional<InetAddress> found = nonLoopbackAddress();
        assumeTrue(found.isPresent(), "this machine has no non-loopback IPv4 address to reach its own API from the network");
        address = found.get();
        final TestCertificates.Pair certificate = TestCertificates.selfSigned(dir, "dns:localhost,ip:" + address.getHostAddress());
        final LedgerHttpServer.Services services = new LedgerHttpServer.Services(
                new TotalsService((prefix, ask) -> new Answer<>(Map.of(), Provenance.of("test:1")), Clock.fixed(Instant.EPOCH,
                        ZoneOffset.UTC), Duration.ofDays(3650)),
                new DeadLetterService((before, limit) -> List.of(new DeadLetterPage(0, List.of()))),
                null, null, null, new AccessPolicy(OfficeRegistry.NONE, ReadToken.of(TOKEN), null), new ApiMetrics(() -> null), null);
        plain = LedgerHttpServer.create(services, null, 0).start(address.getHostAddress(), 0);
        tlsPort = freePort();
        tls = LedgerHttpServer.create(services, new LedgerConfig.HttpsKeystore(certificate.keystore(), certificate.password()),
                tlsPort).start(tlsPort);
        client = HttpClient.newBuilder().sslContext(certificate.client()).connectTimeout(TIMEOUT).build();
    }

    @AfterAll
    void stop() {
        if (plain != null) {
            plain.stop();
        }
        if (tls != null) {
            tls.stop();
        }
    }

    @Test
    void shouldRefuseABearerTokenOverPlainHttpFromTheNetworkWithTheReason() throws Exception {
        final HttpResponse<String> response = summary("http", plain.port());

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.body()).contains(CredentialTransport.PLAIN_HTTP_REFUSAL).contains("\"code\":\"https-required\"");
    }

    @Test
    void shouldTakeTheSameTokenOverHttpsFromTheNetwork() throws Exception {
        final HttpResponse<String> response = summary("https", tlsPort);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"events\":0");
    }

    private HttpResponse<String> summary(final String scheme, final int port) throws IOException, InterruptedException {
        final URI uri = URI.create(scheme + "://" + address.getHostAddress() + ":" + port + "/api/totals/summary");
        return client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("Authorization", "Bearer " + TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An IPv4 address of an interface that is up, neither loopback nor link-local. */
    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(PlainHttpCredentialsIT::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress() && !a.isAnyLocalAddress())
                .findFirst();
    }

    private static boolean isUp(final NetworkInterface network) {
        try {
            return network.isUp() && !network.isLoopback();
        } catch (final SocketException e) {
            return false;
        }
    }

    /** A port free now, for the TLS connector, which is told its port before it starts. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
