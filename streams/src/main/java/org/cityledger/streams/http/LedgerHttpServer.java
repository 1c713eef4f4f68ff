package org.cityledger.streams.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpStatus;
import io.javalin.http.MethodNotAllowedResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.json.JavalinJackson;
import io.javalin.http.staticfiles.Location;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.Optional;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.access.AccessPolicy;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.access.CredentialTransport;
import org.cityledger.streams.ingest.IngestRefusedException;
import org.cityledger.streams.ingest.IngestService;
import org.cityledger.streams.ingest.PublishFailedException;
import org.cityledger.streams.live.LiveHub;
import org.cityledger.streams.live.LiveService;
import org.cityledger.streams.live.Update;
import org.cityledger.streams.query.AsOfOutOfRangeException;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.LocalPartials;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.query.UnknownCodeException;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
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
     * What the API serves. {@code router}, {@code local} and {@code ingest} may be null (tests of the
     * public API alone): then the cluster and publishing endpoints are not served.
     */
    public record Services(TotalsService totals, DeadLetterService deadLetters, Router router, LocalPartials local,
                           IngestService ingest, AccessPolicy access, ApiMetrics metrics, LiveService live) {
    }

    /** The Jetty threads at most: every live-stream client holds one while connected. */
    private static final int MAX_THREADS = LiveHub.Limits.DEFAULTS.maxClients() + 200;
    private static final int SEND_BUFFER_BYTES = 128 * 1024;

    /** The live stream's wire format, for the hub to encode each message once. */
    public static Function<Update, byte[]> liveEncoder(final String instance) {
        return new LiveJson(instance);
    }

    public static Javalin create(final TotalsService totals, final DeadLetterService deadLetters) {
        return create(new Services(totals, deadLetters, null, null, null, AccessPolicy.OPEN, new ApiMetrics(() -> null), null));
    }

    public static Javalin create(final Services services) {
        return create(services, null, 0);
    }

    /**
     * As {@link #create(Services)}, serving HTTPS with {@code https} on {@code port} (null: plain
     * HTTP, on the port {@code start(port)} is given). Javalin gives its port to its own connector
     * only, so the TLS connector is told the port here.
     */
    public static Javalin create(final Services services, final LedgerConfig.HttpsKeystore https, final int port) {
        final ObjectMapper mapper = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
        final TotalsController controller = new TotalsController(services.totals(), mapper);
        final DeadLetterController deadLetterController = new DeadLetterController(services.deadLetters());
        final AccessPolicy access = services.access();
        return Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.jsonMapper(new JavalinJackson(mapper, false));
            // a wrong method on a known path says which methods it takes, rather than that the path is unknown
            config.http.prefer405over404 = true;
            // Jetty's own errors (a malformed request line, a URI or headers too long) as JSON too
            config.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            config.jetty.threadPool = new QueuedThreadPool(MAX_THREADS, 8);
            config.jetty.modifyServer(LedgerHttpServer::boundSendBuffers);
            // the dashboard's scripts and the chart library (a webjar): nothing comes from another host
            config.staticFiles.add(files -> {
                files.hostedPath = Dashboard.ASSETS;
                files.directory = Dashboard.RESOURCES;
                files.location = Location.CLASSPATH;
            });
            config.staticFiles.enableWebjars();
            if (https != null) {
                config.jetty.addConnector((server, httpConfig) -> httpsConnector(server, httpConfig, https, port));
            }
            config.routes.before(ctx -> authorize(ctx, access));
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
            config.routes.get("/", Dashboard::page);
            if (services.live() != null) {
                final String instance = services.local() == null ? "local" : services.local().self();
                final LiveController live = new LiveController(services.live(), instance);
                config.routes.get(LiveController.PATH, live::stream);
            }
            if (services.router() != null) {
                final AuditController audit = new AuditController(services.router());
                config.routes.get("/api/projects/{project}", audit::project);
                config.routes.get("/api/projects/{project}/events/{event}", audit::event);
                config.routes.get("/api/events", audit::events);
                config.routes.get("/api/events/{event}/verdict", audit::verdict);
                config.routes.post("/api/verdicts", audit::verdicts);
                config.routes.get("/api/instances", audit::instances);
                config.routes.get("/api/audit/partitions", audit::partitions);
            }
            if (services.ingest() != null) {
                final IngestController ingest = new IngestController(services.ingest(), access, services.metrics());
                config.routes.post("/api/events", ingest::publish);
            }
            if (services.local() != null) {
                final InternalController internal = new InternalController(services.local());
                config.routes.get(InternalController.PARTIALS, internal::partials);
                config.routes.get(InternalController.EVENTS, internal::event);
                config.routes.get(InternalController.FACTS, internal::facts);
                config.routes.post(InternalController.VERDICTS, internal::verdicts);
                config.routes.post(InternalController.EVENTS_OF_PARTITIONS, internal::events);
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
            config.routes.exception(LiveHub.TooManyClientsException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS * 5)).json(error(e.getMessage(), Map.of())));
            config.routes.exception(IngestRefusedException.class, (e, ctx) -> {
                final HttpStatus status = switch (e.kind()) {
                    case MALFORMED -> HttpStatus.BAD_REQUEST;
                    case INVALID -> HttpStatus.UNPROCESSABLE_CONTENT;
                    case FORBIDDEN -> HttpStatus.FORBIDDEN;
                    case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
                };
                final Map<String, Object> json = error(e.getMessage(), Map.of());
                if (e.kind() == IngestRefusedException.Kind.INVALID) {
                    json.put("problems", e.problems());
                }
                if (e.kind() == IngestRefusedException.Kind.TOO_LARGE) {
                    json.put("limit", IngestService.MAX_EVENTS);
                }
                ctx.status(status).json(json);
            });
            config.routes.exception(IngestController.BodyTooLargeException.class, (e, ctx) -> ctx.status(HttpStatus.CONTENT_TOO_LARGE)
                    .json(error(e.getMessage(), Map.of("limitBytes", Integer.toString(IngestController.MAX_BODY_BYTES)))));
            config.routes.exception(IngestController.UnsupportedMediaTypeException.class, (e, ctx) ->
                    ctx.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE).json(error(e.getMessage(), Map.of())));
            config.routes.exception(IngestController.UnauthorizedException.class, (e, ctx) -> ctx.status(HttpStatus.UNAUTHORIZED)
                    .header("WWW-Authenticate", "Bearer realm=\"city-ledger\"").json(error(e.getMessage(), Map.of())));
            config.routes.exception(PlainHttpCredentialsException.class, (e, ctx) -> ctx.status(HttpStatus.FORBIDDEN)
                    .json(error(e.getMessage(), Map.of("code", "https-required"))));
            config.routes.exception(PeerOnlyException.class, (e, ctx) -> ctx.status(HttpStatus.FORBIDDEN)
                    .json(error(e.getMessage(), Map.of())));
            config.routes.exception(PublishFailedException.class, (e, ctx) -> ctx.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header("Retry-After", Integer.toString(RETRY_AFTER_SECONDS)).json(IngestController.partial(e)));
            config.routes.exception(MethodNotAllowedResponse.class, (e, ctx) -> {
                final String allowed = e.getDetails().getOrDefault("availableMethods", "")
                        .replaceAll("[\\[\\] ]", "");
                ctx.status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", allowed)
                        .json(error(ctx.method() + " is not allowed on " + ctx.path() + "; use " + allowed, Map.of()));
            });
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

    /**
     * A fixed send buffer per connection instead of the kernel's autotuned one (up to 4 MiB each): a
     * live-stream client that stops reading then backs its writes up after {@link #SEND_BUFFER_BYTES}
     * and is dropped by the hub, instead of parking megabytes in the kernel. Ample for the API's
     * answers (a buffer of 128 KiB moves over 100 MB/s at a millisecond's round trip).
     */
    private static void boundSendBuffers(final Server server) {
        server.addEventListener(new LifeCycle.Listener() {
            @Override
            public void lifeCycleStarting(final LifeCycle event) {
                for (final Connector connector : server.getConnectors()) {
                    if (connector instanceof ServerConnector serverConnector) {
                        serverConnector.setAcceptedSendBufferSize(SEND_BUFFER_BYTES);
                    }
                }
            }
        });
    }

    /**
     * Peers only on {@code /internal/*}; reads need the read token when one is set. Publishing checks
     * its office token in its controller, which knows the office it authenticates.
     */
    private static void authorize(final Context ctx, final AccessPolicy access) {
        // a bearer token only: instances of a plain-HTTP ledger ask each other over plain HTTP, and refusing
        // their cluster secret from another machine broke every such cluster of more than one host (an
        // HTTPS ledger has no plain port, and its instances ask each other over HTTPS); the README's
        // Security section says what that leaves open
        final boolean carriesCredentials = ctx.header("Authorization") != null;
        final Optional<String> refusal = CredentialTransport.refusal(ctx.req().isSecure(), carriesCredentials,
                CredentialTransport.isLoopback(ctx.req().getRemoteAddr()));
        if (refusal.isPresent()) {
            throw new PlainHttpCredentialsException(refusal.get());
        }
        final String path = ctx.path();
        if (path.startsWith("/internal/")) {
            if (!access.isPeer(ctx.header(ClusterSecret.HEADER))) {
                throw new PeerOnlyException("/internal/* answers other ledger instances only: they show the cluster secret");
            }
            return;
        }
        final boolean publishing = ctx.method() == HandlerType.POST && "/api/events".equals(path);
        if (!publishing && !access.mayRead(Bearer.of(ctx)) && needsReadAccess(path)) {
            throw new IngestController.UnauthorizedException("this ledger needs a token to read: Authorization: Bearer <read token or office token>");
        }
    }

    /** The docs and the dashboard's page and scripts are open: they hold no figures, and say how to get a token. */
    private static boolean needsReadAccess(final String path) {
        return !("/".equals(path) || path.equals("/api/docs") || path.equals("/api/openapi.json")
                || path.startsWith(Dashboard.ASSETS + "/") || path.startsWith("/webjars/"));
    }

    /** The API over TLS: Jetty's TLS connection in front of its HTTP/1.1, and requests that know they are secure. */
    private static Connector httpsConnector(final Server server, final HttpConfiguration plain,
                                            final LedgerConfig.HttpsKeystore https, final int port) {
        final SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStorePath(https.keystore().toAbsolutePath().toString());
        tls.setKeyStoreType("PKCS12");
        tls.setKeyStorePassword(https.password());
        tls.setKeyManagerPassword(https.password());
        final HttpConfiguration secure = new HttpConfiguration(plain);
        final SecureRequestCustomizer customizer = new SecureRequestCustomizer();
        // clients reach a ledger by whatever name its certificate may not list (an IP, a proxy's name)
        customizer.setSniHostCheck(false);
        secure.addCustomizer(customizer);
        secure.setSecureScheme("https");
        final ServerConnector connector = new ServerConnector(server,
                new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory(secure));
        connector.setPort(port);
        return connector;
    }

    /** Credentials sent in the clear from another machine. */
    static final class PlainHttpCredentialsException extends RuntimeException {
        PlainHttpCredentialsException(final String message) {
            super(message);
        }
    }

    /** An outsider on a peers' endpoint. */
    static final class PeerOnlyException extends RuntimeException {
        PeerOnlyException(final String message) {
            super(message);
        }
    }

    private static Map<String, Object> error(final String message, final Map<String, String> details) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("error", message);
        json.putAll(details);
        return json;
    }
}
