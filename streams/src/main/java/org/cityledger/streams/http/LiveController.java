package org.cityledger.streams.http;

import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.cityledger.streams.live.LiveHub;
import org.cityledger.streams.live.LiveService;

/**
 * {@code GET /api/stream}: the live picture as Server-Sent Events. HTTP only: the request's thread
 * writes what the hub queued for this client, at the client's pace, and a comment line when
 * nothing came for {@link #HEARTBEAT} so that proxies keep the connection open.
 */
final class LiveController {

    static final String PATH = "/api/stream";
    /** Nothing sent for this long: a comment line, so that no proxy closes an idle stream. */
    static final Duration HEARTBEAT = Duration.ofSeconds(15);
    /** How long an EventSource waits before reconnecting (the SSE {@code retry:} field). */
    private static final byte[] PREAMBLE = ": city ledger live stream\nretry: 2000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] HEARTBEAT_LINE = ": heartbeat\n\n".getBytes(StandardCharsets.UTF_8);

    private final LiveService live;
    private final String instance;

    LiveController(final LiveService live, final String instance) {
        this.live = live;
        this.instance = instance;
    }

    void stream(final Context ctx) throws IOException {
        final String header = ctx.header("Last-Event-ID");
        final String lastEventId = header != null ? header : ctx.queryParam("lastEventId");
        final HttpServletResponse response = ctx.res();
        try (LiveHub.Subscriber subscriber = live.subscribe(lastEventId)) {
            response.setStatus(200);
            response.setContentType("text/event-stream;charset=utf-8");
            response.setHeader("Cache-Control", "no-cache, no-transform");
            // nginx and the like: do not buffer the stream
            response.setHeader("X-Accel-Buffering", "no");
            response.setHeader(TotalsController.INSTANCE_HEADER, instance);
            final OutputStream out = response.getOutputStream();
            out.write(PREAMBLE);
            out.flush();
            while (!subscriber.dropped()) {
                final byte[] next = subscriber.next(HEARTBEAT);
                if (subscriber.dropped()) {
                    break;
                }
                out.write(next == null ? HEARTBEAT_LINE : next);
                out.flush();
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (final IOException e) {
            // the client went away: its subscription closed with the try
        }
    }
}
