package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadClientTest {

    private ServerSocket server;
    private final AtomicInteger connections = new AtomicInteger();

    @AfterEach
    void stopServer() throws IOException {
        server.close();
    }

    /** Answers each request with the next of {@code answers}, on as many connections as the client opens. */
    private void serve(final List<String> answers) throws IOException {
        server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
        final Thread thread = new Thread(() -> {
            int next = 0;
            while (next < answers.size()) {
                try (Socket socket = server.accept()) {
                    connections.incrementAndGet();
                    final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                            StandardCharsets.US_ASCII));
                    while (next < answers.size() && in.readLine() != null) {
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // the request's headers are not checked
                        }
                        socket.getOutputStream().write(answers.get(next++).getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (final IOException e) {
                    return;
                }
            }
        }, "fake-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    @Test
    void shouldReadStatusHeaderAndBodyOfAnswersOnOneConnection() throws IOException {
        serve(List.of("HTTP/1.1 200 OK\r\nx-ledger-instance: a:1\r\nContent-Length: 5\r\n\r\nhello",
                "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"));

        try (LoadClient client = new LoadClient(server.getLocalPort(), "X-Ledger-Instance", Duration.ofSeconds(5))) {
            final LoadClient.Answer first = client.get("/a");
            final LoadClient.Answer second = client.get("/b");

            assertThat(first.status()).isEqualTo(200);
            assertThat(first.header()).isEqualTo("a:1");
            assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(second.status()).isEqualTo(404);
            assertThat(second.header()).isEmpty();
        }
        assertThat(connections).hasValue(1);
    }

    @Test
    void shouldConnectAgainAfterAnAnswerThatClosedTheConnection() throws IOException {
        serve(List.of("HTTP/1.1 503 Busy\r\nConnection: close\r\nContent-Length: 4\r\n\r\nbusy",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));

        try (LoadClient client = new LoadClient(server.getLocalPort(), "X-Ledger-Instance", Duration.ofSeconds(5))) {
            assertThat(client.get("/a").status()).isEqualTo(503);
            assertThat(new String(client.get("/b").body(), StandardCharsets.US_ASCII)).isEqualTo("ok");
        }
        assertThat(connections).hasValue(2);
    }

    @Test
    void shouldReadAChunkedAnswerAndKeepTheConnection() throws IOException {
        serve(List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-Next-Cursor: c1\r\n\r\n2\r\nok\r\n"
                        + "5;x=y\r\n, yes\r\n0\r\n\r\n",
                "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nno"));

        try (LoadClient client = new LoadClient(server.getLocalPort(), Duration.ofSeconds(5), "X-Ledger-Instance",
                "X-Next-Cursor")) {
            final LoadClient.Answer first = client.get("/a");
            final LoadClient.Answer second = client.get("/b");

            assertThat(new String(first.body(), StandardCharsets.US_ASCII)).isEqualTo("ok, yes");
            assertThat(first.header(1)).isEqualTo("c1");
            assertThat(first.header()).isEmpty();
            assertThat(new String(second.body(), StandardCharsets.US_ASCII)).isEqualTo("no");
        }
        assertThat(connections).hasValue(1);
    }

    @Test
    void shouldRefuseAnotherTransferEncoding() throws IOException {
        serve(List.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n"));

        try (LoadClient client = new LoadClient(server.getLocalPort(), "X-Ledger-Instance", Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> client.get("/a")).isInstanceOf(IOException.class).hasMessageContaining("chunked");
        }
    }
}
