package org.cityledger.streams.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.cityledger.streams.peer.ScriptedServer.Step.answer;
import static org.cityledger.streams.peer.ScriptedServer.Step.thenClose;

import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Http11ConnectionTest {

    private static final int MAX_BODY = 64;
    private static final Http11Connection.Settings PLAIN = new Http11Connection.Settings(5_000, MAX_BODY, null);

    @TempDir
    static Path certificates;
    private static TestCertificates.Pair forLocalhost;
    private static TestCertificates.Pair forAnotherHost;

    private ScriptedServer server;

    @BeforeAll
    static void makeCertificates() throws IOException, GeneralSecurityException, InterruptedException {
        forLocalhost = TestCertificates.selfSigned(certificates, "dns:localhost,ip:127.0.0.1");
        forAnotherHost = TestCertificates.selfSigned(certificates, "dns:ledger.example.org");
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    private Http11Connection connect(final ScriptedServer scripted) {
        server = scripted;
        return new Http11Connection("localhost", scripted.port(), PLAIN);
    }

    private static String body(final Http11Connection.Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void shouldAskOneAfterAnotherOverOneKeptAliveConnection() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                answer("HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy")))) {
            final Http11Connection.Response first = connection.get("/a?x=1", Map.of());
            final Http11Connection.Response second = connection.get("/b", Map.of());

            assertThat(first.status()).isEqualTo(200);
            assertThat(body(first)).isEqualTo("hello");
            assertThat(second.status()).isEqualTo(503);
            assertThat(body(second)).isEqualTo("busy");
        }
        assertThat(server.connections()).isEqualTo(1);
        assertThat(server.requests()).extracting(lines -> lines.get(0)).containsExactly("GET /a?x=1 HTTP/1.1", "GET /b HTTP/1.1");
    }

    @Test
    void shouldSendTheRequestHeadersAfterTheHost() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(answer("HTTP/1.1 204 No Content\r\n\r\n")))) {
            connection.get("/a", Map.of("X-Ledger-Secret", "s3cret"));
        }
        assertThat(server.requests().get(0)).containsExactly("GET /a HTTP/1.1", "Host: localhost:" + server.port(),
                "X-Ledger-Secret: s3cret");
    }

    @Test
    void shouldRefuseAHeaderValueThatWouldStartAnotherHeader() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain())) {
            assertThatThrownBy(() -> connection.get("/a", Map.of("X-Ledger-Secret", "s\r\nX-Admin: yes")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("line break");
        }
    }

    @Test
    void shouldReadAChunkedBodyWhoseSizeLinesCarryExtensions() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(answer("HTTP/1.1 200 OK\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n3;name=value\r\nbus\r\n2 ; quoted=\"a;b\"\r\ny!\r\n0;last\r\n\r\n")))) {
            assertThat(body(connection.get("/a", Map.of()))).isEqualTo("busy!");
        }
    }

    @Test
    void shouldReadTheNextAnswerAfterAChunkedBodysTrailers() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\nX-Checksum: 1\r\nX-More: 2\r\n\r\n"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nnext")))) {
            assertThat(body(connection.get("/a", Map.of()))).isEqualTo("ok");
            assertThat(body(connection.get("/b", Map.of()))).isEqualTo("next");
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void shouldFailWhenTheConnectionClosesInsideAContentLengthBody() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                thenClose("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")))) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("3 of 10 body bytes");
        }
    }

    @Test
    void shouldFailWhenTheConnectionClosesInsideAChunk() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                thenClose("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab")))) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(EOFException.class)
                    .hasMessageContaining("2 of a chunk's 5 bytes");
        }
    }

    @Test
    void shouldRefuseAContentLengthBodyOverTheLimitWithoutReadingIt() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nContent-Length: 4294967296\r\n\r\nabc")))) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("larger than the limit of " + MAX_BODY + " bytes");
        }
    }

    @Test
    void shouldRefuseAChunkedBodyOverTheLimit() throws IOException {
        final String chunk = "20\r\n" + "x".repeat(32) + "\r\n";
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk + chunk + chunk + "0\r\n\r\n")))) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("larger than the limit of " + MAX_BODY + " bytes");
        }
    }

    @Test
    void shouldRefuseABodyRunningToTheCloseOverTheLimit() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                thenClose("HTTP/1.1 200 OK\r\n\r\n" + "x".repeat(MAX_BODY + 1))))) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("larger than the limit of " + MAX_BODY + " bytes");
        }
    }

    @Test
    void shouldReadABodyRunningToTheCloseAndConnectAgainAfterIt() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                thenClose("HTTP/1.1 200 OK\r\n\r\nuntil the end"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            assertThat(body(connection.get("/a", Map.of()))).isEqualTo("until the end");
            assertThat(body(connection.get("/b", Map.of()))).isEqualTo("ok");
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void shouldCloseWhenAnyConnectionTokenIsCloseInAnyCase() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nConnection: keep-alive, Close\r\nContent-Length: 2\r\n\r\nok"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            connection.get("/a", Map.of());
            connection.get("/b", Map.of());
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void shouldNotMistakeATokenContainingCloseForClose() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nConnection: x-closed-caption\r\nContent-Length: 2\r\n\r\nok"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            connection.get("/a", Map.of());
            connection.get("/b", Map.of());
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void shouldCloseAfterAnHttp10AnswerThatDoesNotAskToKeepAlive() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            connection.get("/a", Map.of());
            connection.get("/b", Map.of());
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void shouldKeepAnHttp10ConnectionThatAsksToKeepAlive() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok"),
                answer("HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok")))) {
            connection.get("/a", Map.of());
            connection.get("/b", Map.of());
        }
        assertThat(server.connections()).isEqualTo(1);
    }

    @Test
    void shouldAskAgainOnAFreshConnectionWhenTheKeptAliveOneWasClosedUnderIt() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                thenClose("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond")))) {
            connection.get("/a", Map.of());

            assertThat(body(connection.get("/b", Map.of()))).isEqualTo("second");
        }
        assertThat(server.connections()).isEqualTo(2);
    }

    @Test
    void shouldSkipAnInterimAnswer() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            final Http11Connection.Response response = connection.get("/a", Map.of());

            assertThat(response.status()).isEqualTo(200);
            assertThat(body(response)).isEqualTo("ok");
        }
    }

    @Test
    void shouldReadAnAnswerWithoutBodyAndTheNextOneAfterIt() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 204 No Content\r\n\r\n"),
                answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")))) {
            assertThat(connection.get("/empty", Map.of()).status()).isEqualTo(204);
            assertThat(body(connection.get("/after", Map.of()))).isEqualTo("ok");
        }
    }

    @Test
    void shouldRefuseAMalformedAnswer() throws IOException {
        try (Http11Connection connection = connect(ScriptedServer.plain(
                answer("HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n")))) {
            assertThatThrownBy(() -> connection.get("/bad", Map.of()))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("malformed HTTP response");
        }
    }

    @Test
    void shouldSpeakHttpsToAServerWhoseCertificateNamesTheHost() throws IOException {
        server = ScriptedServer.tls(forLocalhost.server(), answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret"));
        final Http11Connection.Settings tls = new Http11Connection.Settings(5_000, MAX_BODY,
                forLocalhost.client().getSocketFactory());
        try (Http11Connection connection = new Http11Connection("localhost", server.port(), tls)) {
            assertThat(body(connection.get("/a", Map.of()))).isEqualTo("secret");
        }
        assertThat(server.requests()).extracting(lines -> lines.get(0)).containsExactly("GET /a HTTP/1.1");
    }

    @Test
    void shouldRefuseAServerWhoseTrustedCertificateNamesAnotherHost() throws IOException {
        server = ScriptedServer.tls(forAnotherHost.server(), answer("HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecret"));
        final Http11Connection.Settings tls = new Http11Connection.Settings(5_000, MAX_BODY,
                forAnotherHost.client().getSocketFactory());
        try (Http11Connection connection = new Http11Connection("localhost", server.port(), tls)) {
            assertThatThrownBy(() -> connection.get("/a", Map.of()))
                    .isInstanceOf(SSLHandshakeException.class)
                    .hasMessageContaining("localhost");
        }
        assertThat(server.requests()).isEqualTo(List.of());
    }
}
