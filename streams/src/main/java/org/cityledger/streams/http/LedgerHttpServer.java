package org.cityledger.streams.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.json.JavalinJackson;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cityledger.streams.query.AsOfOutOfRangeException;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.LocalPartials;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.query.UnknownCodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ledger's HTTP API. {@link #create} returns the configured, unstarted server so that tests and
 * the launcher start it the same way. Errors are JSON: {@code {"error": "...", ...}}.
 */
public final class LedgerHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerHttpServer.class);

    /** Seconds a client should wait before asking again while the ledger is (re)starting. */
    static final int RETRY_AFTER_SECONDS = 1;

    private LedgerHttpServer() {
    }

    /**
     * What the API serves. {@code router} and {@code local} may be null (tests of the public API
     * alone): then the cluster endpoints are not served.
     */
    public record Services(TotalsService totals, DeadLetterService deadLetters, Router router, LocalPartials local,
                           ApiMetrics metrics) {
    }

    public static Javalin create(final TotalsService totals, final DeadLetterService deadLetters) {
        return create(new Services(totals, deadLetters, null, null, new ApiMetrics(() -> null)));
    }

    public static Javalin create(final Services services) {
        final TotalsController controller = new TotalsController(services.totals());
        final DeadLetterController deadLetterController = new DeadLetterController(services.deadLetters());
        final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            ApiDocs.register(config);
            ApiMetrics.register(config, services.metrics());
            config.routes.get("/api/totals/summary", controller::summary);
            config.routes.get("/api/totals/districts", controller::districts);
            config.routes.get("/api/totals/districts/{district}", controller::district);
            config.routes.get("/api/totals/districts/{district}/sectors/{sector}", controller::cell);
            config.routes.get("/api/totals/sectors", controller::sectors);
            config.routes.get("/api/totals/sectors/{sector}", controller::sector);
            config.routes.get("/api/totals/check", controller::check);
            config.routes.get("/api/dead-letters", deadLetterController::page);
            if (services.router() != null) {
                final AuditController audit = new AuditController(services.router());
                config.routes.get("/api/projects/{project}/events/{event}", audit::event);
                config.routes.get("/api/instances", audit::instances);
            }
            if (services.local() != null) {
                final InternalController internal = new InternalController(services.local());
                config.routes.get(InternalController.PARTIALS, internal::partials);
                config.routes.get(InternalController.EVENTS, internal::event);
                config.routes.get(InternalController.INSTANCE, internal::instance);
            }
            config.routes.get("/api/reference/districts", controller::districtCodes);
            config.routes.get("/api/reference/sectors", controller::sectorCodes);
            config.routes.exception(UnknownCodeException.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND)
                    .json(error(e.getMessage(), Map.of("field", e.field(), "code", e.code()))));
            config.routes.exception(BadQueryException.class, (e, ctx) -> ctx.status(HttpStatus.BAD_REQUEST)
                    .json(error(e.getMessage(), Map.of("field", e.field()))));
            config.routes.exception(AsOfOutOfRangeException.class, (e, ctx) -> ctx.status(HttpStatus.UNPROCESSABLE_CONTENT)
                    .json(error(e.getMessage(), Map.of("field", "asOf"))));
            config.routes.exception(QueryUnavailableException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS))
                    .json(error(e.getMessage(), Map.of())));
            // Javalin answers an unmatched path by throwing EndpointNotFound (a NotFoundResponse) and writes
            // its own plain-text result, which the 404 error handler below would leave in place.
            config.routes.exception(NotFoundResponse.class, (e, ctx) -> ctx.status(HttpStatus.NOT_FOUND)
                    .json(error("no such resource: " + ctx.path(), Map.of())));
            config.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("unexpected error answering {} {}", ctx.method(), ctx.path(), e);
                ctx.status(HttpStatus.INTERNAL_SERVER_ERROR).json(error("internal error: " + e.getClass().getSimpleName(), Map.of()));
            });
            config.routes.error(404, "*", ctx -> {
                if (ctx.result() == null || ctx.result().isEmpty()) {
                    ctx.json(error("no such resource: " + ctx.path(), Map.of()));
                }
            });
        });
    }

    private static Map<String, Object> error(final String message, final Map<String, String> details) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", message);
        json.putAll(details);
        return json;
    }
}
