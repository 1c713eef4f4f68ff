package org.cityledger.streams.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The live dashboard: {@code /} is its page, {@code /dashboard/*} its scripts and styles, and the
 * chart library comes from its webjar under {@code /webjars/}. All from the jar; the page itself
 * holds no figures, it reads them from the API and the live stream.
 */
final class Dashboard {

    /** Where the dashboard's files are served. */
    static final String ASSETS = "/dashboard";
    /** Where they are on the classpath. */
    static final String RESOURCES = "/dashboard";

    private static final String PAGE = load();

    private Dashboard() {
    }

    static void page(final Context ctx) {
        ctx.header("Cache-Control", "no-cache").html(PAGE);
    }

    private static String load() {
        try (InputStream in = Dashboard.class.getResourceAsStream(RESOURCES + "/index.html")) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's page " + RESOURCES + "/index.html is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
