package org.cityledger.producers;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A stand-in for a running ledger's HTTP API on a loopback port: each test scripts the answers and
 * reads back the requests it received.
 */
final class FakeLedger implements AutoCloseable {

    private final HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private volatile Function<Request, Response> events = request -> Response.json(200, "{\"events\":[]}");
    private volatile Function<Request, Response> verdicts = request -> Response.json(200, "{\"events\":[]}");

    FakeLedger() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/events", exchange -> answer(exchange, events));
        server.createContext("/api/verdicts", exchange -> answer(exchange, verdicts));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
    }

    URI uri() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    FakeLedger onEvents(final Function<Request, Response> answer) {
        this.events = answer;
        return this;
    }

    FakeLedger onVerdicts(final Function<Request, Response> answer) {
        this.verdicts = answer;
        return this;
    }

    synchronized List<Request> requests() {
        return List.copyOf(requests);
    }

    synchronized List<Request> requests(final String path) {
        return requests.stream().filter(request -> request.path().equals(path)).toList();
    }

    private void answer(final HttpExchange exchange, final Function<Request, Response> script) throws IOException {
        final Request request = new Request(exchange.getRequestURI().getPath(), exchange.getRequestURI().getQuery(),
                exchange.getRequestHeaders().getFirst("Authorization"), exchange.getRequestHeaders().getFirst("Content-Type"),
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        synchronized (this) {
            requests.add(request);
        }
        final Response response = script.apply(request);
        response.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        final byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((ExecutorService) server.getExecutor()).shutdownNow();
    }

    record Request(String path, String query, String authorization, String contentType, String body) {
    }

    record Response(int status, String body, Map<String, String> headers) {

        static Response json(final int status, final String body) {
            return new Response(status, body, Map.of());
        }
    }
}
