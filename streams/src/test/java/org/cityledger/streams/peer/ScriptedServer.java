package org.cityledger.streams.peer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A server that answers each request with the next crafted bytes of a script, so that a test can
 * send what a real server rarely does (a short body, a chunk extension, a trailer) and see what the
 * client does with it. Records each request's lines and counts the connections it accepted.
 */
final class ScriptedServer implements AutoCloseable {

    /**
     * One answer.
     *
     * @param bytes      written as they are
     * @param closeAfter close the connection once written, whatever the bytes say
     */
    record Step(String bytes, boolean closeAfter) {

        static Step answer(final String bytes) {
            return new Step(bytes, false);
        }

        static Step thenClose(final String bytes) {
            return new Step(bytes, true);
        }
    }

    private final ServerSocket server;
    private final List<Step> script;
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();

    private ScriptedServer(final ServerSocket server, final List<Step> script) {
        this.server = server;
        this.script = List.copyOf(script);
        final Thread thread = new Thread(this::serve, "scripted-http-server");
        thread.setDaemon(true);
        thread.start();
    }

    static ScriptedServer plain(final Step... script) throws IOException {
        return new ScriptedServer(new ServerSocket(0, 10, InetAddress.getLoopbackAddress()), List.of(script));
    }

    static ScriptedServer tls(final SSLContext context, final Step... script) throws IOException {
        return new ScriptedServer(context.getServerSocketFactory().createServerSocket(0, 10, InetAddress.getLoopbackAddress()),
                List.of(script));
    }

    int port() {
        return server.getLocalPort();
    }

    /** Each request received: its request line, then its header lines. */
    List<List<String>> requests() {
        return List.copyOf(requests);
    }

    int connections() {
        return connections.get();
    }

    private void serve() {
        int next = 0;
        while (next < script.size()) {
            try (Socket socket = server.accept()) {
                connections.incrementAndGet();
                final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                final OutputStream out = socket.getOutputStream();
                while (next < script.size()) {
                    final List<String> request = new ArrayList<>();
                    for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                        request.add(line);
                    }
                    if (request.isEmpty()) {
                        break;
                    }
                    requests.add(request);
                    final Step step = script.get(next++);
                    out.write(step.bytes().getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (step.closeAfter()) {
                        break;
                    }
                }
            } catch (final IOException e) {
                // the test closed the server, or a TLS handshake it meant to fail failed
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
