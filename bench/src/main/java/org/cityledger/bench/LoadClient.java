package org.cityledger.bench;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The query and ingest stages' load generator, in the manner of {@code wrk}: one kept-alive HTTP/1.1
 * connection to localhost, a blocking GET or POST, and of the answer only the status, the headers
 * asked for and the body ({@code Content-Length} or chunked: Jetty chunks an answer larger than its
 * output buffer, such as a page of 100 audited events). The clients share two cores with the ledger
 * they measure, so every microsecond they spend is taken from the ledger's figures; this does as
 * little as a request allows. Deliberately not the ledger's own peer client, whose cost is part of
 * what is measured, and not a general client: an unreadable answer is an {@link IOException}, which
 * the stage counts and lists as an error. Not thread-safe: one client thread each.
 */
final class LoadClient implements AutoCloseable {

    /** Larger than any head the ledger sends; one that does not fit is an error. */
    private static final int HEAD_BYTES = 16_384;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    /** One answer: status, the values of the headers asked for ("" if absent), in the order asked, and the body. */
    record Answer(int status, List<String> headers, byte[] body) {

        /** The first header asked for. */
        String header() {
            return headers.isEmpty() ? "" : headers.get(0);
        }

        /** The {@code i}-th header asked for. */
        String header(final int i) {
            return headers.get(i);
        }
    }

    private final int port;
    private final int timeoutMillis;
    private final String[] headerPrefixes;
    private final byte[] head = new byte[HEAD_BYTES];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** A client of {@code localhost:port} that reads the response header {@code headerName}. */
    LoadClient(final int port, final String headerName, final Duration timeout) {
        this(port, timeout, headerName);
    }

    /** A client of {@code localhost:port} that reads the response headers {@code headerNames}. */
    LoadClient(final int port, final Duration timeout, final String... headerNames) {
        this.port = port;
        this.timeoutMillis = (int) timeout.toMillis();
        this.headerPrefixes = new String[headerNames.length];
        for (int i = 0; i < headerNames.length; i++) {
            headerPrefixes[i] = headerNames[i].toLowerCase(Locale.ROOT) + ":";
        }
    }

    /**
     * GETs {@code path}, connecting first if the last answer closed the connection. No retry: a
     * connection that is never idle longer than one answer takes is not closed under it.
     */
    Answer get(final String path) throws IOException {
        return exchange(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII), null);
    }

    /**
     * POSTs {@code body} as {@code application/json} to {@code path}, with an {@code Authorization:
     * Bearer} header when {@code bearer} is not null. Like {@link #get}, no retry.
     */
    Answer postJson(final String path, final String bearer, final byte[] body) throws IOException {
        final String head = "POST " + path + " HTTP/1.1\r\nHost: localhost:" + port
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + (bearer == null ? "" : "\r\nAuthorization: Bearer " + bearer) + "\r\n\r\n";
        return exchange(head.getBytes(StandardCharsets.US_ASCII), body);
    }

    private Answer exchange(final byte[] request, final byte[] body) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress("localhost", port), timeoutMillis);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
        out.write(request);
        if (body != null) {
            out.write(body);
        }
        out.flush();
        // the head and the start of the body arrive together: read them into one buffer
        int filled = 0;
        int headEnd = -1;
        while (headEnd < 0) {
            if (filled == head.length) {
                throw new IOException("an answer's head is longer than " + HEAD_BYTES + " bytes");
            }
            final int read = in.read(head, filled, head.length - filled);
            if (read < 0) {
                throw new EOFException("connection closed before the answer's head");
            }
            headEnd = indexOf(head, Math.max(0, filled - HEAD_END.length + 1), filled + read);
            filled += read;
        }
        final String[] lines = new String(head, 0, headEnd, StandardCharsets.US_ASCII).split("\r\n");
        final String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP answer: " + lines[0]);
        }
        final String[] headers = new String[headerPrefixes.length];
        Arrays.fill(headers, "");
        int length = -1;
        boolean close = false;
        boolean chunked = false;
        for (int i = 1; i < lines.length; i++) {
            final String lower = lines[i].toLowerCase(Locale.ROOT);
            for (int h = 0; h < headerPrefixes.length; h++) {
                if (lower.startsWith(headerPrefixes[h])) {
                    headers[h] = lines[i].substring(headerPrefixes[h].length()).trim();
                }
            }
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            } else if (lower.startsWith("transfer-encoding:")) {
                if (!lower.substring("transfer-encoding:".length()).trim().equals("chunked")) {
                    throw new IOException("the load client reads Content-Length or chunked bodies only: " + lines[i]);
                }
                chunked = true;
            }
        }
        final int bodyStart = headEnd + HEAD_END.length;
        final byte[] answerBody;
        if (chunked) {
            answerBody = readChunked(new SequenceInputStream(new ByteArrayInputStream(head, bodyStart, filled - bodyStart), in));
        } else {
            if (length < 0) {
                throw new IOException("an answer without Content-Length: " + lines[0]);
            }
            answerBody = Arrays.copyOfRange(head, bodyStart, bodyStart + length);
            final int buffered = Math.min(length, filled - bodyStart);
            if (filled - bodyStart > length) {
                throw new IOException("more bytes than the answer's Content-Length");
            }
            if (in.readNBytes(answerBody, buffered, length - buffered) < length - buffered) {
                throw new EOFException("connection closed inside an answer's body");
            }
        }
        if (close) {
            close();
        }
        return new Answer(Integer.parseInt(statusLine[1]), List.of(headers), answerBody);
    }

    /**
     * A chunked body: hexadecimal sizes, each chunk and size line ended by CRLF, a zero size and an
     * empty trailer last. Reads exactly to the end of the body, so the connection stays usable.
     */
    static byte[] readChunked(final InputStream source) throws IOException {
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            final String sizeLine = line(source);
            final int semicolon = sizeLine.indexOf(';');
            final int size;
            try {
                size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (final NumberFormatException e) {
                throw new IOException("not a chunk size: '" + sizeLine + "'", e);
            }
            if (size == 0) {
                // trailers, none expected, up to the empty line
                while (!line(source).isEmpty()) {
                    continue;
                }
                return body.toByteArray();
            }
            final byte[] chunk = source.readNBytes(size);
            if (chunk.length < size) {
                throw new EOFException("connection closed inside a chunk");
            }
            body.write(chunk);
            if (!line(source).isEmpty()) {
                throw new IOException("a chunk longer than its size");
            }
        }
    }

    private static String line(final InputStream source) throws IOException {
        final StringBuilder line = new StringBuilder();
        while (true) {
            final int b = source.read();
            if (b < 0) {
                throw new EOFException("connection closed inside a chunked body");
            }
            if (b == '\n') {
                final int end = line.length() > 0 && line.charAt(line.length() - 1) == '\r' ? line.length() - 1 : line.length();
                return line.substring(0, end);
            }
            line.append((char) b);
        }
    }

    private static int indexOf(final byte[] bytes, final int from, final int to) {
        for (int i = from; i + HEAD_END.length <= to; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (final IOException ignored) {
                // closing a connection we are done with: nothing to recover
            }
            socket = null;
        }
    }
}
