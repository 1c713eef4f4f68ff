package org.cityledger.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * The query stage's load generator, in the manner of {@code wrk}: one kept-alive HTTP/1.1
 * connection to localhost, a blocking GET, and of the answer only the status, one header and a
 * {@code Content-Length} body. The clients share two cores with the ledger they measure, so every
 * microsecond they spend is taken from the ledger's figures; this does as little as a request
 * allows. Deliberately not the ledger's own peer client, whose cost is part of what is measured,
 * and not a general client: a chunked or otherwise unreadable answer is an {@link IOException},
 * which the stage counts and lists as an error. Not thread-safe: one client thread each.
 */
final class LoadClient implements AutoCloseable {

    /** Larger than any head the ledger sends; one that does not fit is an error. */
    private static final int HEAD_BYTES = 16_384;
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};

    /** One answer: status, the header's value ("" if absent) and the body. */
    record Answer(int status, String header, byte[] body) {
    }

    private final int port;
    private final int timeoutMillis;
    private final String headerPrefix;
    private final byte[] head = new byte[HEAD_BYTES];
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** A client of {@code localhost:port} that reads the response header {@code headerName}. */
    LoadClient(final int port, final String headerName, final Duration timeout) {
        this.port = port;
        this.timeoutMillis = (int) timeout.toMillis();
        this.headerPrefix = headerName.toLowerCase(Locale.ROOT) + ":";
    }

    /**
     * GETs {@code path}, connecting first if the last answer closed the connection. No retry: a
     * connection that is never idle longer than one answer takes is not closed under it.
     */
    Answer get(final String path) throws IOException {
        if (socket == null) {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(timeoutMillis);
            socket.connect(new InetSocketAddress("localhost", port), timeoutMillis);
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }
        out.write(("GET " + path + " HTTP/1.1\r\nHost: localhost:" + port + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
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
        String header = "";
        int length = -1;
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            final String lower = lines[i].toLowerCase(Locale.ROOT);
            if (lower.startsWith(headerPrefix)) {
                header = lines[i].substring(headerPrefix.length()).trim();
            } else if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            } else if (lower.startsWith("transfer-encoding:")) {
                throw new IOException("the load client reads Content-Length bodies only: " + lines[i]);
            }
        }
        if (length < 0) {
            throw new IOException("an answer without Content-Length: " + lines[0]);
        }
        final int bodyStart = headEnd + HEAD_END.length;
        final byte[] body = Arrays.copyOfRange(head, bodyStart, bodyStart + length);
        final int buffered = Math.min(length, filled - bodyStart);
        if (filled - bodyStart > length) {
            throw new IOException("more bytes than the answer's Content-Length");
        }
        if (in.readNBytes(body, buffered, length - buffered) < length - buffered) {
            throw new EOFException("connection closed inside an answer's body");
        }
        if (close) {
            close();
        }
        return new Answer(Integer.parseInt(statusLine[1]), header, body);
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
