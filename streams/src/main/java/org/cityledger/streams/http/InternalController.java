package org.cityledger.streams.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.cityledger.streams.peer.WireJson;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.LocalPartials;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.VerdictRequest;

/**
 * The endpoints instances ask each other during a fan-out or a forwarded lookup. Each answers from
 * this instance's own stores only, never forwarding again, so a request crosses at most one hop.
 */
final class InternalController {

    static final String PARTIALS = WireJson.PARTIALS_PATH;
    static final String EVENTS = WireJson.EVENT_PATH;
    static final String INSTANCE = WireJson.INSTANCE_PATH;
    static final String FACTS = WireJson.FACTS_PATH;
    static final String VERDICTS = WireJson.VERDICTS_PATH;
    static final String EVENTS_OF_PARTITIONS = WireJson.EVENTS_PATH;

    private final LocalPartials local;

    InternalController(final LocalPartials local) {
        this.local = local;
    }

    void partials(final Context ctx) {
        final PartialsRequest.Kind kind = PartialsRequest.Kind.valueOf(required(ctx, "kind").toUpperCase(Locale.ROOT));
        final String asOf = ctx.queryParam("asOf");
        final String limit = ctx.queryParam("limit");
        final PartialsRequest<?> request = PartialsRequest.of(kind, ctx.queryParam("prefix"),
                asOf == null ? null : Long.valueOf(asOf), ctx.queryParam("before"), limit == null ? 0 : Integer.parseInt(limit));
        final Set<Integer> partitions = Arrays.stream(required(ctx, "partitions").split(","))
                .map(Integer::valueOf).collect(Collectors.toSet());
        final String maxLag = ctx.queryParam("maxLag");
        final Partials<?> partials = local.answer(request, partitions, maxLag == null ? null : Long.valueOf(maxLag));
        ctx.contentType("application/json").result(WireJson.writePartials(partials));
    }

    void event(final Context ctx) {
        final int partition = Integer.parseInt(required(ctx, "partition"));
        ctx.contentType("application/json")
                .result(WireJson.writeEvent(local.event(ctx.pathParam("event"), partition)));
    }

    void facts(final Context ctx) {
        final int partition = Integer.parseInt(required(ctx, "partition"));
        ctx.contentType("application/json").result(WireJson.writeFacts(local.facts(ctx.pathParam("project"), partition)));
    }

    void events(final Context ctx) throws JsonProcessingException {
        final WireJson.EventsQuestion question = WireJson.readEventsQuestion(ctx.body());
        ctx.contentType("application/json").result(WireJson.writeSliceEvents(local.events(question.request(), question.partitions())));
    }

    void verdicts(final Context ctx) throws JsonProcessingException {
        final Duration wait = IngestController.waitOf(ctx.queryParam("wait"));
        final List<VerdictRequest> asked = WireJson.readVerdictRequests(ctx.body());
        ctx.contentType("application/json").result(WireJson.writeVerdicts(local.verdicts(asked, wait)));
    }

    void instance(final Context ctx) {
        ctx.status(HttpStatus.OK).contentType("application/json").result(WireJson.writeInstance(local.describe()));
    }

    private static String required(final Context ctx, final String name) {
        final String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            throw new BadQueryException(name, "is required");
        }
        return value;
    }
}
