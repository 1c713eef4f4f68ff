package org.cityledger.producers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A running ledger's HTTP API, as an office's publisher uses it: {@code POST /api/events} (a batch of
 * events in the ingest format) and {@code POST /api/verdicts} (what became of events published).
 * One keep-alive {@link HttpClient}. A request that fails to connect, times out or meets {@code 502},
 * {@code 503} or {@code 504} is sent again after a pause (the server's {@code Retry-After} when it
 * gives one): re-sending events is safe, the ledger de-duplicates by event id. The token goes into
 * the {@code Authorization} header and nowhere else, no message of this class contains it.
 * Thread-safe.
 */
public final class LedgerApiClient implements AutoCloseable {

    /** What the API accepts in one request. */
    public static final int MAX_BATCH = 1000;
    /** The API's limit on a request body. */
    public static final int MAX_BODY_BYTES = 1 << 20;
    /** How long the ledger may hold a request to judge its events. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_PAUSE = Duration.ofMillis(500);
    private static final Duration LONGEST_PAUSE = Duration.ofSeconds(10);
    private static final Duration LONGEST_RETRY_AFTER = Duration.ofSeconds(30);

    private final JsonMapper mapper = JsonMapper.builder().build();
    private final HttpClient http;
    private final URI api;
    private final String token;
    private final Pause pause;
    private final int attempts;

    /**
     * @param api      the ledger, e.g. {@code https://ledger.example:8080}; a trailing slash is ignored
     * @param token    the office's token, or null where none is needed (a ledger without a read token)
     * @param attempts how often one request is tried before the ledger counts as unreachable, at least 1
     * @param pause    how to wait between attempts: {@link Pause#sleeping()} but in tests
     */
    public LedgerApiClient(final URI api, final String token, final int attempts, final Pause pause) {
        this.api = URI.create(stripSlash(Objects.requireNonNull(api, "api").toString()));
        this.token = token;
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
        this.attempts = attempts;
        this.pause = Objects.requireNonNull(pause, "pause");
        this.http = HttpClient.newBuilder()
                // HTTP/1.1 keep-alive: an h2c upgrade buys nothing for a few large requests in a row
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .build();
    }

    /** The ledger this client talks to, for messages. */
    public URI api() {
        return api;
    }

    /**
     * Publishes one batch.
     *
     * @param events each one event in the ingest format, as {@link IngestJson#write} renders it
     */
    public Answer publish(final List<String> events) throws InterruptedException {
        final String body = "[" + String.join(",", events) + "]";
        if (events.size() > MAX_BATCH || events.size() > 1 && body.getBytes(StandardCharsets.UTF_8).length > MAX_BODY_BYTES) {
            // the ledger would answer 413; the caller splits the batch either way, without the round trip
            return new Answer.Failed(413, null, "batch of " + events.size() + " events is over the ledger's limits");
        }
        return exchange("/api/events", body);
    }

    /** Asks for the verdicts of events already published (at most {@link #MAX_BATCH}). */
    public Answer verdicts(final List<Tracked> events) throws InterruptedException {
        final ArrayNode array = mapper.createArrayNode();
        for (final Tracked event : events) {
            final ObjectNode query = array.addObject();
            query.put("project", event.project());
            query.put("eventId", event.eventId());
            query.put("partition", event.partition());
            query.put("offset", event.offset());
        }
        return exchange("/api/verdicts", write(array));
    }

    private Answer exchange(final String path, final String body) throws InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api + path + "?wait=" + WAIT))
                .timeout(WAIT.plus(Duration.ofSeconds(30)))
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        final HttpRequest built = request.build();
        String lastProblem = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            final HttpResponse<String> response;
            try {
                response = http.send(built, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (final IOException e) {
                lastProblem = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage()
                        : e instanceof ConnectException ? " (nothing listening there?)" : "");
                if (attempt < attempts) {
                    pause.pause(backoff(attempt));
                }
                continue;
            }
            final int status = response.statusCode();
            if (status == 502 || status == 503 || status == 504) {
                lastProblem = "HTTP " + status + errorText(response.body()).map(text -> " (" + text + ")").orElse("");
                if (attempt < attempts) {
                    pause.pause(retryAfter(response).orElse(backoff(attempt)));
                }
                continue;
            }
            return answer(path, response);
        }
        return new Answer.Failed(0, DeliveryReport.Failure.Kind.UNREACHABLE, "could not reach the ledger at " + api
                + " (" + attempts + (attempts == 1 ? " attempt" : " attempts") + "; last: " + lastProblem + ")");
    }

    private Answer answer(final String path, final HttpResponse<String> response) {
        final int status = response.statusCode();
        final String error = errorText(response.body()).orElse("");
        final String said = error.isEmpty() ? "" : ": " + error;
        return switch (status) {
            case 200, 202 -> accepted(path, status, response.body());
            case 422 -> invalid(response.body());
            case 401 -> new Answer.Failed(status, DeliveryReport.Failure.Kind.UNAUTHORIZED, "the ledger at " + api
                    + " did not accept the token (HTTP 401" + said + "); give the office's token with --token-file,"
                    + " LEDGER_TOKEN or --token");
            case 403 -> new Answer.Failed(status, DeliveryReport.Failure.Kind.FORBIDDEN, "the ledger at " + api
                    + " refused the token (HTTP 403" + said + ")");
            case 404 -> new Answer.Failed(status, DeliveryReport.Failure.Kind.PROTOCOL, "the ledger at " + api
                    + " has no " + path + " (HTTP 404): is --api the ledger's address, and is it a version with "
                    + path + "?");
            case 413 -> new Answer.Failed(status, null, "the ledger refused the batch as too large (HTTP 413" + said + ")");
            default -> new Answer.Failed(status, DeliveryReport.Failure.Kind.PROTOCOL, "the ledger at " + api
                    + " answered " + path + " with HTTP " + status + said);
        };
    }

    private Answer accepted(final String path, final int status, final String body) {
        final JsonNode root = read(body);
        final JsonNode events = root == null ? null : root.get("events");
        if (events == null || !events.isArray()) {
            return new Answer.Failed(status, DeliveryReport.Failure.Kind.PROTOCOL, "the ledger at " + api
                    + " answered " + path + " with HTTP " + status + " but no \"events\" array");
        }
        final List<EventVerdict> verdicts = new ArrayList<>(events.size());
        for (final JsonNode event : events) {
            final String word = event.path("verdict").asText("");
            final Verdict verdict = Verdict.fromWire(word);
            // a verdict this publisher does not know yet is not worth stopping a publication for
            final String reason = verdict != null ? textOrNull(event, "reason")
                    : "the ledger answered verdict '" + word + "', which this publisher does not know";
            verdicts.add(new EventVerdict(event.path("index").asInt(-1), textOrNull(event, "eventId"),
                    textOrNull(event, "project"), event.path("partition").asInt(-1), event.path("offset").asLong(-1),
                    verdict == null ? Verdict.UNKNOWN : verdict, textOrNull(event, "corrects"), reason));
        }
        return new Answer.Accepted(status, verdicts);
    }

    private Answer invalid(final String body) {
        final JsonNode root = read(body);
        final List<Problem> problems = new ArrayList<>();
        if (root != null && root.path("problems").isArray()) {
            for (final JsonNode problem : root.get("problems")) {
                problems.add(new Problem(problem.path("index").asInt(-1), textOrNull(problem, "eventId"),
                        problem.path("field").asText("$"), problem.path("reason").asText("refused")));
            }
        }
        return new Answer.Invalid(problems, root == null ? "" : root.path("error").asText(""));
    }

    private static Optional<Duration> retryAfter(final HttpResponse<String> response) {
        final Optional<String> header = response.headers().firstValue("Retry-After");
        if (header.isEmpty()) {
            return Optional.empty();
        }
        try {
            final long seconds = Long.parseLong(header.get().strip());
            final Duration asked = Duration.ofSeconds(Math.max(0, seconds));
            return Optional.of(asked.compareTo(LONGEST_RETRY_AFTER) > 0 ? LONGEST_RETRY_AFTER : asked);
        } catch (final NumberFormatException e) {
            // an HTTP date instead of seconds: the usual backoff is as good a guess
            return Optional.empty();
        }
    }

    private static Duration backoff(final int attempt) {
        final Duration pause = FIRST_PAUSE.multipliedBy(1L << Math.min(attempt - 1, 10));
        return pause.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : pause;
    }

    private Optional<String> errorText(final String body) {
        final JsonNode root = read(body);
        if (root != null && root.path("error").isTextual()) {
            return Optional.of(root.get("error").textValue());
        }
        return Optional.empty();
    }

    private JsonNode read(final String body) {
        try {
            return body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (final JsonProcessingException e) {
            return null;
        }
    }

    private String write(final JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings and numbers could not be written as JSON", e);
        }
    }

    private static String textOrNull(final JsonNode node, final String field) {
        final JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String stripSlash(final String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    @Override
    public void close() {
        // java.net.http.HttpClient is AutoCloseable only from Java 21; on 17 its threads end with it
    }

    @Override
    public String toString() {
        // no token here, ever: this may end up in a log line
        return "LedgerApiClient[" + api + "]";
    }

    /** How to wait between attempts, so that tests can retry without sleeping. */
    @FunctionalInterface
    public interface Pause {

        void pause(Duration duration) throws InterruptedException;

        static Pause sleeping() {
            return duration -> Thread.sleep(duration.toMillis());
        }
    }

    /**
     * An event published, whose verdict is asked for.
     *
     * @param line where it is in the file, for the report
     */
    public record Tracked(int line, String eventId, String project, int partition, long offset) {
    }

    /**
     * A field the ledger's check refused.
     *
     * @param index position of the event in the request's array
     */
    public record Problem(int index, String eventId, String field, String reason) {
    }

    /** How the ledger answered a request, after any retries. */
    public sealed interface Answer {

        /** {@code 200} (every event judged) or {@code 202} (some {@link Verdict#PENDING}). */
        record Accepted(int status, List<EventVerdict> events) implements Answer {
        }

        /** {@code 422}: nothing of the request was published. */
        record Invalid(List<Problem> problems, String error) implements Answer {
        }

        /**
         * Refused or unreachable; {@code status} 0 when no answer came.
         *
         * @param kind null for {@code 413}, which the caller answers by splitting the batch
         */
        record Failed(int status, DeliveryReport.Failure.Kind kind, String message) implements Answer {
        }
    }
}
