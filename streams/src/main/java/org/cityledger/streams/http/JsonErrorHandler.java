package org.cityledger.streams.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own answers (a malformed request line or URI, a URI or headers too long, a request that
 * never reached Javalin) as the API's JSON errors, {@code {"error": "...", "status": N}}, instead
 * of Jetty's HTML page: a client of this API parses one error shape.
 */
final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(final Request request, final Response response, final int code, final String message,
                                    final Throwable cause, final Callback callback) throws IOException {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.write(true, ByteBuffer.wrap(json(code, message)), callback);
    }

    static byte[] json(final int code, final String message) {
        final String text = message == null || message.isBlank() ? HttpStatus.getMessage(code) : message;
        return ("{\"error\":\"" + escape(text) + "\",\"status\":" + code + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static String escape(final String text) {
        final StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            final char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
