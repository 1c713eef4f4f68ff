package org.cityledger.streams.http;

import io.javalin.http.Context;
import java.util.Locale;

/** The bearer token a request presents ({@code Authorization: Bearer <token>}), or null. Never logged. */
final class Bearer {

    private Bearer() {
    }

    static String of(final Context ctx) {
        final String header = ctx.header("Authorization");
        if (header == null || header.length() < 7 || !header.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
            return null;
        }
        final String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }
}
