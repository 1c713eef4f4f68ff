package org.cityledger.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.Collectors;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Peers;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.state.IndexedEvent;

/** {@link Peers} over HTTP: the other instances' {@code /internal/...} endpoints, asked asynchronously. */
public final class HttpPeers implements Peers {

    private final HttpClient client;
    private final Duration timeout;

    public HttpPeers(final Duration timeout) {
        this.client = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
        this.timeout = timeout;
    }

    @Override
    public CompletableFuture<Partials> partials(final HostInfo host, final PartialsRequest request,
                                                final Set<Integer> partitions, final Long maxLag) {
        final StringBuilder query = new StringBuilder(InternalController.PARTIALS)
                .append("?kind=").append(request.kind().name())
                .append("&partitions=").append(partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
        param(query, "prefix", request.prefix());
        param(query, "asOf", request.asOfMillis());
        param(query, "before", request.before());
        param(query, "limit", request.kind() == PartialsRequest.Kind.DEAD_LETTERS ? request.limit() : null);
        param(query, "maxLag", maxLag);
        return get(host, query.toString()).thenApply(body -> {
            try {
                return WireJson.readPartials(request.kind(), body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<Optional<IndexedEvent>> event(final HostInfo host, final String projectId, final String eventId,
                                                           final int partition) {
        final String path = "/internal/projects/" + encode(projectId) + "/events/" + encode(eventId) + "?partition=" + partition;
        return get(host, path).thenApply(body -> {
            try {
                return WireJson.readEvent(body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    @Override
    public CompletableFuture<InstanceInfo> describe(final HostInfo host) {
        return get(host, InternalController.INSTANCE).thenApply(body -> {
            try {
                return WireJson.readInstance(body);
            } catch (final JsonProcessingException e) {
                throw new CompletionException(e);
            }
        });
    }

    private CompletableFuture<String> get(final HostInfo host, final String pathAndQuery) {
        final HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host.host() + ":" + host.port() + pathAndQuery))
                .timeout(timeout).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
            if (response.statusCode() != 200) {
                throw new QueryUnavailableException("instance " + host + " answered " + response.statusCode() + ": " + response.body());
            }
            return response.body();
        });
    }

    private static void param(final StringBuilder query, final String name, final Object value) {
        if (value != null) {
            query.append('&').append(name).append('=').append(encode(value.toString()));
        }
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
