package org.cityledger.streams.peer;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.cityledger.streams.query.EventsRequest;
import org.cityledger.streams.query.VerdictRequest;
import org.cityledger.streams.query.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Peers;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.state.IndexedEvent;

/**
 * {@link Peers} over HTTP: the other instances' {@code /internal/...} endpoints. Each question runs
 * on a worker thread over a kept-alive connection from a per-peer pool, so a fan-out asks its peers
 * in parallel and a forwarded lookup costs one blocking round trip, with no executor hops on the way.
 */
public final class HttpPeers implements Peers, AutoCloseable {

    /** Idle connections kept per peer; enough for the concurrent questions one instance asks. */
    private static final int IDLE_PER_PEER = 16;
    /** Questions in flight to all peers together. */
    private static final int MAX_CONCURRENT_QUESTIONS = 64;
    /**
     * The largest answer accepted from a peer. Partials are totals per slice of the reference lists
     * (kilobytes) or one page of dead letters; this leaves a thousandfold room and still stops a
     * broken or hostile peer from making us buffer gigabytes.
     */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final Http11Connection.Settings settings;
    private final Map<String, String> headers;
    private final Map<String, Queue<Http11Connection>> idle = new ConcurrentHashMap<>();
    private final ExecutorService workers;

    /** Plain HTTP, no extra headers. */
    public HttpPeers(final Duration timeout) {
        this(timeout, null, Map.of());
    }

    /**
     * @param timeout to connect to a peer, and for each read of its answer
     * @param tls     null: plain HTTP; else HTTPS with this context, each peer's certificate checked
     *                against the host name it advertises
     * @param headers sent with every question (the secured cluster's shared secret, for one)
     * @throws IllegalArgumentException if a header could not be sent as it is
     */
    public HttpPeers(final Duration timeout, final SSLContext tls, final Map<String, String> headers) {
        Http11Connection.requireValid(headers);
        this.settings = new Http11Connection.Settings((int) timeout.toMillis(), MAX_BODY_BYTES,
                tls == null ? null : tls.getSocketFactory());
        this.headers = Map.copyOf(headers);
        final AtomicInteger threads = new AtomicInteger();
        // bounded: a slow peer must not pile up threads and sockets; beyond it a question fails (503) at once
        this.workers = new ThreadPoolExecutor(0, MAX_CONCURRENT_QUESTIONS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                task -> {
                    final Thread thread = new Thread(task, "ledger-peer-client-" + threads.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
    }

    @Override
    public <T> CompletableFuture<Partials<T>> partials(final HostInfo host, final PartialsRequest<T> request,
                                                       final Set<Integer> partitions, final Long maxLag) {
        final StringBuilder query = new StringBuilder(WireJson.PARTIALS_PATH)
                .append("?kind=").append(request.kind().name())
                .append("&partitions=").append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
        param(query, "prefix", request.prefix());
        param(query, "asOf", request.asOfMillis());
        param(query, "before", request.before());
        param(query, "limit", request.kind() == PartialsRequest.Kind.DEAD_LETTERS ? request.limit() : null);
        param(query, "maxLag", maxLag);
        return get(host, query.toString()).thenApply(body -> {
            try {
                return WireJson.readPartials(request, body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<Optional<IndexedEvent>> event(final HostInfo host, final String projectId, final String eventId,
                                                           final int partition) {
        return get(host, WireJson.eventPath(projectId, eventId, partition)).thenApply(body -> {
            try {
                return WireJson.readEvent(body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<List<ProjectFact>> facts(final HostInfo host, final String project, final int partition) {
        return get(host, WireJson.factsPath(project, partition)).thenApply(body -> {
            try {
                return WireJson.readFacts(body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<List<SliceEvent>> events(final HostInfo host, final EventsRequest request, final Set<Integer> partitions) {
        final byte[] body = WireJson.writeEventsQuestion(request, partitions).getBytes(StandardCharsets.UTF_8);
        return submit(host, () -> exchange(host, connection -> connection.post(WireJson.EVENTS_PATH, headers, body,
                settings.timeoutMillis()))).thenApply(answer -> {
                    try {
                        return WireJson.readSliceEvents(answer);
                    } catch (final JsonProcessingException e) {
                        throw new CompletionException(e);
                    }
                });
    }

    @Override
    public CompletableFuture<List<Verdict>> verdicts(final HostInfo host, final List<VerdictRequest> records, final Duration wait) {
        final String path = WireJson.VERDICTS_PATH + "?wait=" + wait;
        final byte[] body = WireJson.writeVerdictRequests(records).getBytes(StandardCharsets.UTF_8);
        // the peer holds the question open for up to wait: the socket waits that long and the usual time on top
        final int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, wait.toMillis() + settings.timeoutMillis());
        return submit(host, () -> exchange(host, connection -> connection.post(path, headers, body, timeoutMillis))).thenApply(answer -> {
            try {
                return WireJson.readVerdicts(answer);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<InstanceInfo> describe(final HostInfo host) {
        return get(host, WireJson.INSTANCE_PATH).thenApply(body -> {
            try {
                return WireJson.readInstance(body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    private CompletableFuture<String> get(final HostInfo host, final String pathAndQuery) {
        return submit(host, () -> exchange(host, connection -> connection.get(pathAndQuery, headers)));
    }

    private CompletableFuture<String> submit(final HostInfo host, final Supplier<String> question) {
        try {
            return CompletableFuture.supplyAsync(question, workers);
        } catch (final RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new QueryUnavailableException("too many questions to peers in flight, or "
                    + "this instance is stopping; not asking " + host));
        }
    }

    /** One question over a pooled connection to {@code host}. */
    @FunctionalInterface
    private interface Exchange {
        Http11Connection.Response on(Http11Connection connection) throws IOException;
    }

    private String exchange(final HostInfo host, final Exchange question) {
        final Queue<Http11Connection> pool = idle.computeIfAbsent(host.host() + ":" + host.port(),
                k -> new ConcurrentLinkedQueue<>());
        Http11Connection connection = pool.poll();
        if (connection == null) {
            connection = new Http11Connection(host.host(), host.port(), settings);
        }
        final Http11Connection.Response response;
        try {
            response = question.on(connection);
        } catch (final IOException e) {
            connection.close();
            throw new QueryUnavailableException("instance " + host + " did not answer: " + e.getMessage(), e);
        }
        if (pool.size() < IDLE_PER_PEER && !workers.isShutdown()) {
            pool.offer(connection);
        } else {
            connection.close();
        }
        final String body = new String(response.body(), StandardCharsets.UTF_8);
        if (response.status() != 200) {
            throw new QueryUnavailableException("instance " + host + " answered " + response.status() + ": " + body);
        }
        return body;
    }

    @Override
    public void close() {
        workers.shutdownNow();
        idle.values().forEach(pool -> pool.forEach(Http11Connection::close));
        idle.clear();
    }

    private static void param(final StringBuilder query, final String name, final Object value) {
        if (value != null) {
            query.append('&').append(name).append('=').append(WireJson.encode(value.toString()));
        }
    }
}
