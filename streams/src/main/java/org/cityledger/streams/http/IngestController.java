package org.cityledger.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cityledger.streams.access.AccessPolicy;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.ingest.IngestRefusedException;
import org.cityledger.streams.ingest.IngestService;
import org.cityledger.streams.ingest.PublishFailedException;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.Verdict;
import org.cityledger.streams.query.VerdictRequest;

/** {@code POST /api/events}: district offices publish, one event or a batch; HTTP in, JSON out, the rest is the service's. */
final class IngestController {

    /** The largest body accepted. */
    static final int MAX_BODY_BYTES = 1 << 20;

    private static final JsonMapper BODY = JsonMapper.builder()
            // amounts as JSON numbers are refused by the ingest format; none may pass through a double on the way
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final IngestService service;
    private final AccessPolicy access;
    private final ApiMetrics metrics;

    IngestController(final IngestService service, final AccessPolicy access, final ApiMetrics metrics) {
        this.service = service;
        this.access = access;
        this.metrics = metrics;
    }

    void publish(final Context ctx) {
        final long started = System.nanoTime();
        requireJson(ctx);
        final Office office = access.office(Bearer.of(ctx)).orElseThrow(() -> new UnauthorizedException(access.offices().isEmpty()
                ? "this ledger accepts no publications: it was started without --offices"
                : "an office's bearer token is required (Authorization: Bearer <token>); the one given is unknown or missing"));
        final Duration wait = waitOf(ctx.queryParam("wait"));
        final JsonNode body = parse(readBody(ctx));
        final IngestService.Receipt receipt;
        try {
            receipt = service.publish(office, body, wait);
        } catch (final IngestRefusedException e) {
            metrics.recordIngest(office.district(), "refused", Math.max(1, body.isArray() ? body.size() : 1));
            throw e;
        }
        receipt.verdicts().forEach(v -> metrics.recordIngest(office.district(), v.outcome().apiName(), 1));
        metrics.recordIngestLatency(office.district(), !wait.isZero(), System.nanoTime() - started);
        ctx.status(!wait.isZero() && receipt.allDecided() ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .json(Map.of("office", office.district(), "events", verdicts(receipt.verdicts())));
    }

    /** What the API answers per event: its place in the request, where it went, and the verdict. */
    static List<Map<String, Object>> verdicts(final List<Verdict> verdicts) {
        final List<Map<String, Object>> json = new ArrayList<>(verdicts.size());
        for (int i = 0; i < verdicts.size(); i++) {
            final Map<String, Object> event = verdict(verdicts.get(i));
            final Map<String, Object> indexed = new LinkedHashMap<>();
            indexed.put("index", i);
            indexed.putAll(event);
            json.add(indexed);
        }
        return json;
    }

    static Map<String, Object> verdict(final Verdict verdict) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", verdict.eventId());
        json.put("project", verdict.project());
        json.put("partition", verdict.partition());
        json.put("offset", verdict.offset());
        json.put("verdict", verdict.outcome().apiName());
        if (verdict.corrects() != null) {
            json.put("corrects", verdict.corrects());
        }
        if (verdict.reason() != null) {
            json.put("reason", verdict.reason());
        }
        return json;
    }

    static void requireJson(final Context ctx) {
        final String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).strip().startsWith("application/json")) {
            throw new UnsupportedMediaTypeException("Content-Type must be application/json, got "
                    + (type == null ? "none" : "'" + type + "'"));
        }
    }

    /** {@code ?wait=PT5S}: how long to wait for verdicts, up to {@link IngestService#MAX_WAIT}; absent means zero. */
    static Duration waitOf(final String value) {
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        final Duration wait;
        try {
            wait = Duration.parse(value);
        } catch (final DateTimeParseException e) {
            throw new BadQueryException("wait", "must be an ISO-8601 duration such as PT5S, got '" + value + "'");
        }
        if (wait.isNegative() || wait.compareTo(IngestService.MAX_WAIT) > 0) {
            throw new BadQueryException("wait", "must be between PT0S and " + IngestService.MAX_WAIT + ", got " + value);
        }
        return wait;
    }

    /** The body, refused beyond {@link #MAX_BODY_BYTES} whether or not it announced its length. */
    static byte[] readBody(final Context ctx) {
        final long announced = ctx.req().getContentLengthLong();
        if (announced > MAX_BODY_BYTES) {
            throw new BodyTooLargeException(announced);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            final byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new BodyTooLargeException(-1);
            }
            return body;
        } catch (final IOException e) {
            throw new UncheckedIOException("the request body could not be read", e);
        }
    }

    static JsonNode parse(final byte[] body) {
        try {
            final JsonNode tree = BODY.readTree(body);
            if (tree == null || tree.isMissingNode()) {
                throw new BadQueryException("$", "the body is empty: send one event (a JSON object) or a batch (a JSON array)");
            }
            return tree;
        } catch (final JsonProcessingException e) {
            throw new BadQueryException("$", "is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")"));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code POST /api/verdicts}: the verdicts on records published earlier (as their acknowledgements placed them). */
    static List<VerdictRequest> verdictRequests(final JsonNode body) {
        if (!body.isArray()) {
            throw new BadQueryException("$", "must be a JSON array of {project, eventId, partition, offset}");
        }
        if (body.size() > IngestService.MAX_EVENTS) {
            throw new BadQueryException("$", "asks for " + body.size() + " verdicts; at most " + IngestService.MAX_EVENTS + " at once");
        }
        final List<VerdictRequest> requests = new ArrayList<>(body.size());
        for (int i = 0; i < body.size(); i++) {
            final JsonNode r = body.get(i);
            if (!r.isObject() || !r.path("project").isTextual() || !r.path("partition").canConvertToInt()
                    || !r.path("offset").canConvertToLong() || !r.path("partition").isIntegralNumber() || !r.path("offset").isIntegralNumber()) {
                throw new BadQueryException("[" + i + "]", "must be an object with project (string), partition and offset (numbers)"
                        + " and, optionally, eventId");
            }
            requests.add(new VerdictRequest(r.get("project").textValue(), r.path("eventId").isTextual() ? r.get("eventId").textValue() : null,
                    r.get("partition").intValue(), r.get("offset").longValue()));
        }
        return requests;
    }

    /** A body over the limit. */
    static final class BodyTooLargeException extends RuntimeException {
        BodyTooLargeException(final long announced) {
            super("the body is " + (announced > 0 ? announced + " bytes" : "larger than that") + "; at most " + MAX_BODY_BYTES
                    + " bytes (1 MiB) are accepted: send the events in several batches");
        }
    }

    /** A body that is not JSON. */
    static final class UnsupportedMediaTypeException extends RuntimeException {
        UnsupportedMediaTypeException(final String message) {
            super(message);
        }
    }

    /** No or an unknown token. */
    static final class UnauthorizedException extends RuntimeException {
        UnauthorizedException(final String message) {
            super(message);
        }
    }

    /** {@code PublishFailedException}'s answer: which events went in, so the client knows a re-send is safe. */
    static Map<String, Object> partial(final PublishFailedException e) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", e.getMessage());
        final List<Map<String, Object>> events = new ArrayList<>();
        for (int i = 0; i < e.published().size(); i++) {
            final VerdictRequest published = e.published().get(i);
            final Map<String, Object> event = new LinkedHashMap<>();
            event.put("index", i);
            event.put("published", published != null);
            if (published != null) {
                event.put("eventId", published.eventId());
                event.put("partition", published.partition());
                event.put("offset", published.offset());
            }
            events.add(event);
        }
        json.put("events", events);
        json.put("failures", e.failures());
        return json;
    }
}
