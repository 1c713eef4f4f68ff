package org.cityledger.streams.peer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class Http11ConnectionTest {

    private ServerSocket server;
    private final List<String> requestLines = new CopyOnWriteArrayList<>();
    private volatile List<String> responses;
    private Thread serving;

    @BeforeEach
    void startServer() throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        serving = new Thread(this::serve, "fake-http-server");
        serving.setDaemon(true);
    }

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    /** Answers the requests of each connection with the next canned responses; closes when a response says so. */
    private void serve() {
        int next = 0;
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
                final OutputStream out = socket.getOutputStream();
                while (next < responses.size()) {
                    final String requestLine = in.readLine();
                    if (requestLine == null) {
                        break;
                    }
                    requestLines.add(requestLine);
                    for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                        // headers are not checked
                    }
                    final String response = responses.get(next++);
                    out.write(response.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    if (response.contains("Connection: close")) {
                        break;
                    }
                }
            } catch (final IOException e) {
                return;
            }
        }
    }

    @Test
    void shouldReadLengthDelimitedAndChunkedAnswersOverOneConnectionAndReconnectAfterAClose() throws IOException {
        responses = List.of(
                "HTTP/1.1 200 OK\r\nX-Ledger-Instance: a:1\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nbus\r\n2\r\ny!\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
        serving.start();

        try (Http11Connection connection = new Http11Connection("localhost", server.getLocalPort(), 5_000)) {
            final Http11Connection.Response first = connection.get("/a?x=1", "x-ledger-instance");
            final Http11Connection.Response second = connection.get("/b", "X-Ledger-Instance");
            final Http11Connection.Response third = connection.get("/c", "X-Ledger-Instance");

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header()).isEqualTo("a:1");
            assertThat(new String(first.body(), StandardCharsets.UTF_8)).isEqualTo("hello");
            assertThat(second.status()).isEqualTo(503);
            assertThat(second.header()).isEmpty();
            assertThat(new String(second.body(), StandardCharsets.UTF_8)).isEqualTo("busy!");
            assertThat(new String(third.body(), StandardCharsets.UTF_8)).isEqualTo("ok");
        }
        assertThat(requestLines).containsExactly("GET /a?x=1 HTTP/1.1", "GET /b HTTP/1.1", "GET /c HTTP/1.1");
    }

    @Test
    void shouldReadAnAnswerWithoutBodyAndRefuseAMalformedOne() throws IOException {
        responses = List.of(
                "HTTP/1.1 204 No Content\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
                "HTTP/1.1 200 OK\r\nContent-Length: lots\r\n\r\n");
        serving.start();

        try (Http11Connection connection = new Http11Connection("localhost", server.getLocalPort(), 5_000)) {
            assertThat(connection.get("/empty", "X").status()).isEqualTo(204);
            assertThat(new String(connection.get("/after", "X").body(), StandardCharsets.UTF_8)).isEqualTo("ok");
            assertThatThrownBy(() -> connection.get("/bad", "X"))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("malformed HTTP response");
        }
    }
}
