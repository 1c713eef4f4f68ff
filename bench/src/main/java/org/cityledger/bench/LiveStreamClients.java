package org.cityledger.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Dashboards on a node's live stream ({@code GET /api/stream}), as many as asked: the first reads
 * the city-wide event count from every message that carries the summary (an {@link EventCount} for
 * {@link VisibilityLatency}, so that latency is measured to the moment a page would have it); the
 * others only read their stream to the end, as pages that show it would.
 */
final class LiveStreamClients implements EventCount, AutoCloseable {

    /** The summary's event count: the summary object's last field. */
    private static final Pattern SUMMARY_EVENTS = Pattern.compile("\"summary\":\\{.*?\"events\":(\\d+)\\}");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<InputStream> streams = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final AtomicLong events = new AtomicLong(-1);
    private final AtomicLong bytes = new AtomicLong();

    LiveStreamClients(final int httpPort, final int clients) {
        for (int i = 0; i < clients; i++) {
            final InputStream body = open(httpPort);
            streams.add(body);
            final boolean timing = i == 0;
            final Thread reader = new Thread(() -> read(body, timing), "bench-live-client-" + i);
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (events.get() < 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the live stream sent no snapshot within 60 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
    }

    private InputStream open(final int httpPort) {
        try {
            final HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + httpPort + "/api/stream")).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the live stream answered " + response.statusCode());
            }
            return response.body();
        } catch (final IOException e) {
            throw new IllegalStateException("the live stream could not be opened", e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void read(final InputStream body, final boolean timing) {
        final byte[] buffer = new byte[64 * 1024];
        final StringBuilder line = new StringBuilder();
        try {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                bytes.addAndGet(n);
                if (!timing) {
                    continue;
                }
                line.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                int end;
                while ((end = line.indexOf("\n")) >= 0) {
                    final String text = line.substring(0, end);
                    line.delete(0, end + 1);
                    if (text.startsWith("data: ")) {
                        final Matcher matcher = SUMMARY_EVENTS.matcher(text);
                        if (matcher.find()) {
                            events.set(Long.parseLong(matcher.group(1)));
                        }
                    }
                }
            }
        } catch (final IOException e) {
            // closed
        }
    }

    @Override
    public long events() {
        return events.get();
    }

    /** Bytes the clients read, together. */
    long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        for (final InputStream stream : streams) {
            try {
                stream.close();
            } catch (final IOException e) {
                // closing anyway
            }
        }
        for (final Thread reader : readers) {
            try {
                reader.join(TimeUnit.SECONDS.toMillis(5));
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
