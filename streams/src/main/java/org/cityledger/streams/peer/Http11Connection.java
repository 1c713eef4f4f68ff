package org.cityledger.streams.peer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One kept-alive HTTP/1.1 connection, GET only, blocking: what instances use to ask each other
 * ({@link HttpPeers}). Not thread-safe: one user at a time.
 *
 * <p>Written here because the harness showed the libraries cost more CPU per request. The JDK's
 * {@code java.net.http.HttpClient} spent more (executor hops, futures, a selector thread) than the
 * ledger's own key lookup. Jetty's {@code HttpClient} 12.1.12 (the Jetty Javalin brings; HTTP/1.1,
 * async {@code CompletableResponseListener} with the same body limit, no gzip, no user agent) was
 * measured against this client in the query stage, back-to-back runs alternating the two
 * ({@code bench --events 300000 --skip consumer,streams,ledger,latency,replay --query-seconds 20
 * --query-warm-up 20}; three instances and the load clients in one JVM on the two shared cores,
 * other builds running meanwhile). The ledger's CPU per request (the JVM less the load clients and
 * the JIT compilers), this client / Jetty's, two runs each:
 * <ul>
 *   <li>key lookup forwarded (one peer question per request): 432, 367 / 538, 442 µs; 3,898, 2,909 /
 *       1,994, 2,228 queries/s; p99 6.3, 12.1 / 15.5, 20.2 ms. Jetty about a fifth dearer;</li>
 *   <li>summary fan-out over 3 (two peer questions in parallel): 1,049, 1,247 / 1,008, 833 µs;
 *       1,273, 973 / 1,291, 1,234 queries/s; p99 20.3, 32.5 / 22.8, 33.4 ms. Jetty cheaper, by about
 *       as much as the runs differ from each other;</li>
 *   <li>key lookup served locally, no peer asked (the control): 164, 158 / 161, 127 µs.</li>
 * </ul>
 * Jetty's client did not cost "no more" on the forwarded path, where the peer question is most of
 * the extra work, so this client stays. What it must do that a library would have done for it is
 * written down below and tested in {@code Http11ConnectionTest}.
 *
 * <p>What it reads of an answer follows RFC 9112: a {@code Content-Length} body, a chunked one
 * (chunk extensions skipped, trailers read and dropped) or one delimited by the close; interim 1xx
 * answers skipped; {@code Connection} as a list of tokens, and an HTTP/1.0 answer kept alive only
 * when it says {@code keep-alive}. A body is refused beyond {@link Settings#maxBodyBytes()}, and a
 * connection closed inside a body is an error, never a shorter body. After any failure the
 * connection is closed, so it is never reused out of step with the server.
 */
final class Http11Connection implements AutoCloseable {

    /** Longer status, header, chunk-size or trailer lines are refused: no peer sends them. */
    private static final int MAX_LINE_CHARS = 8_192;
    /** Header and trailer lines of one answer together; a peer must not make us read headers forever. */
    private static final int MAX_HEADER_LINES = 100;

    /**
     * How connections are made and what they accept.
     *
     * @param timeoutMillis to connect, and for each read of the answer
     * @param maxBodyBytes  the largest body accepted; a larger one fails the request
     * @param tls           null: plain HTTP; else HTTPS through this factory, the server's certificate
     *                      checked against the host name
     */
    record Settings(int timeoutMillis, int maxBodyBytes, SSLSocketFactory tls) {
    }

    /** One answer: status and body. */
    record Response(int status, byte[] body) {
    }

    private final String host;
    private final int port;
    private final Settings settings;
    private final String hostHeader;
    private Socket socket;
    /** Whether the last answer's status line arrived: a kept-alive connection that fails before it was stale. */
    private boolean answerStarted;
    private InputStream in;
    private OutputStream out;

    Http11Connection(final String host, final int port, final Settings settings) {
        this.host = host;
        this.port = port;
        this.settings = settings;
        this.hostHeader = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    /**
     * GETs {@code path} with the request {@code headers}; reconnects once if the kept-alive
     * connection was closed under it.
     *
     * @throws IllegalArgumentException if the path or a header could end the request line or a header early
     */
    Response get(final String path, final Map<String, String> headers) throws IOException {
        return send(request("GET", path, headers, null), settings.timeoutMillis());
    }

    /**
     * POSTs a JSON {@code body} to {@code path}, waiting up to {@code timeoutMillis} for the answer
     * (a peer may hold a verdict question open for a while). Only for idempotent questions: like
     * {@link #get}, it is sent again once if the kept-alive connection was closed under it.
     */
    Response post(final String path, final Map<String, String> headers, final byte[] body, final int timeoutMillis)
            throws IOException {
        return send(request("POST", path, headers, body), timeoutMillis);
    }

    private Response send(final byte[] request, final int timeoutMillis) throws IOException {
        if (socket != null) {
            socket.setSoTimeout(timeoutMillis);
            try {
                return exchange(request);
            } catch (final SocketTimeoutException slow) {
                // the server is slow, not gone: asking again would only double its load
                throw slow;
            } catch (final IOException stale) {
                if (answerStarted) {
                    // the server answered, wrongly or only in part: asking again would not fix that
                    throw stale;
                }
            }
        }
        connect();
        socket.setSoTimeout(timeoutMillis);
        return exchange(request);
    }

    private byte[] request(final String method, final String path, final Map<String, String> headers, final byte[] body) {
        requireNoControl("path", path, true);
        requireValid(headers);
        final StringBuilder request = new StringBuilder(128 + path.length())
                .append(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        if (body != null) {
            request.append("Content-Type: application/json\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        final byte[] head = request.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
        if (body == null) {
            return head;
        }
        final byte[] whole = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, whole, head.length, body.length);
        return whole;
    }

    /**
     * @throws IllegalArgumentException if a header's name is not a token or its value holds a line break
     */
    static void requireValid(final Map<String, String> headers) {
        headers.forEach((name, value) -> {
            if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c >= 127 || c == ':')) {
                throw new IllegalArgumentException("not a header name: '" + name + "'");
            }
            requireNoControl("header " + name, value, false);
        });
    }

    /** CR or LF would let a value start a header or request of its own. */
    private static void requireNoControl(final String what, final String value, final boolean noSpace) {
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0 || (noSpace && c == ' '))) {
            throw new IllegalArgumentException(what + " contains a line break" + (noSpace ? " or a space" : "") + ": "
                    + value.replace("\r", "\\r").replace("\n", "\\n"));
        }
    }

    private Response exchange(final byte[] request) throws IOException {
        answerStarted = false;
        try {
            out.write(request);
            out.flush();
            return read();
        } catch (final IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        final Socket raw = new Socket();
        try {
            raw.setTcpNoDelay(true);
            raw.setSoTimeout(settings.timeoutMillis());
            raw.connect(new InetSocketAddress(host, port), settings.timeoutMillis());
            socket = settings.tls() == null ? raw : handshake(raw);
        } catch (final IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
        in = new BufferedInputStream(socket.getInputStream(), 16_384);
        out = socket.getOutputStream();
    }

    private SSLSocket handshake(final Socket raw) throws IOException {
        final SSLSocket tls = (SSLSocket) settings.tls().createSocket(raw, host, port, true);
        final SSLParameters parameters = tls.getSSLParameters();
        // without it the JDK checks the certificate's chain but not that it names the host asked
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.setSoTimeout(settings.timeoutMillis());
        tls.startHandshake();
        return tls;
    }

    private Response read() throws IOException {
        try {
            return parse();
        } catch (final NumberFormatException e) {
            throw new IOException("malformed HTTP response: " + e.getMessage(), e);
        }
    }

    private Response parse() throws IOException {
        String statusLine = line();
        answerStarted = true;
        int status = status(statusLine);
        final Head head = new Head();
        head.read();
        while (status / 100 == 1) {
            // an interim answer (100 Continue, 103 Early Hints): the real one follows on the same connection
            statusLine = line();
            status = status(statusLine);
            head.clear();
            head.read();
        }
        final boolean http10 = statusLine.startsWith("HTTP/1.0");
        // both framings at once may be a smuggling attempt; the body is read as chunked, then the connection dropped
        boolean close = head.close || (http10 && !head.keepAlive) || (head.transferEncoding != null && head.length >= 0);
        final byte[] body;
        if (status == 204 || status == 304) {
            body = new byte[0];
        } else if (head.transferEncoding != null && head.chunked) {
            body = chunked(head);
        } else if (head.transferEncoding == null && head.length >= 0) {
            body = lengthDelimited(head.length);
        } else {
            // neither chunked nor a length: the body runs to the close (RFC 9112 6.3)
            body = untilClose();
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(status, body);
    }

    private static int status(final String statusLine) throws IOException {
        final String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        return Integer.parseInt(parts[1]);
    }

    private byte[] lengthDelimited(final long length) throws IOException {
        requireWithinLimit(length);
        final byte[] body = in.readNBytes((int) length);
        if (body.length < length) {
            throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
        }
        return body;
    }

    private byte[] chunked(final Head head) throws IOException {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (long size = chunkSize(line()); size > 0; size = chunkSize(line())) {
            requireWithinLimit(bytes.size() + size);
            final byte[] chunk = in.readNBytes((int) size);
            if (chunk.length < size) {
                throw new EOFException("connection closed after " + chunk.length + " of a chunk's " + size + " bytes");
            }
            bytes.write(chunk);
            if (!line().isEmpty()) {
                throw new IOException("malformed HTTP response: a chunk longer than its size line said");
            }
        }
        // trailers: read so that the next answer starts where it should; the ledger uses none
        head.clear();
        head.read();
        return bytes.toByteArray();
    }

    /** The size of a chunk-size line, {@code 1a;name=value}: hex digits, then extensions, which are skipped. */
    private static long chunkSize(final String line) throws IOException {
        final int semicolon = line.indexOf(';');
        final String digits = (semicolon < 0 ? line : line.substring(0, semicolon)).strip();
        if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            throw new IOException("malformed HTTP response: chunk size line '" + line + "'");
        }
        return Long.parseLong(digits, 16);
    }

    private byte[] untilClose() throws IOException {
        final byte[] body = in.readNBytes(settings.maxBodyBytes() + 1);
        requireWithinLimit(body.length);
        return body;
    }

    private void requireWithinLimit(final long bytes) throws IOException {
        if (bytes > settings.maxBodyBytes()) {
            throw new IOException("the answer's body is larger than the limit of " + settings.maxBodyBytes()
                    + " bytes (at least " + bytes + ")");
        }
    }

    private String line() throws IOException {
        final StringBuilder line = new StringBuilder(64);
        while (true) {
            final int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed");
            }
            if (b == '\n') {
                final int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            if (line.length() == MAX_LINE_CHARS) {
                throw new IOException("malformed HTTP response: a line longer than " + MAX_LINE_CHARS + " characters");
            }
            line.append((char) b);
        }
    }

    /** The header fields of one answer that decide how its body is read and whether the connection stays. */
    private final class Head {

        private long length;
        private String transferEncoding;
        private boolean chunked;
        private boolean close;
        private boolean keepAlive;

        Head() {
            clear();
        }

        void clear() {
            length = -1;
            transferEncoding = null;
            chunked = false;
            close = false;
            keepAlive = false;
        }

        void read() throws IOException {
            int lines = 0;
            for (String line = line(); !line.isEmpty(); line = line()) {
                if (++lines > MAX_HEADER_LINES) {
                    throw new IOException("malformed HTTP response: more than " + MAX_HEADER_LINES + " header lines");
                }
                final int colon = line.indexOf(':');
                if (colon <= 0) {
                    throw new IOException("malformed HTTP response: header line '" + line + "'");
                }
                final String name = line.substring(0, colon).strip().toLowerCase(Locale.ROOT);
                final String value = line.substring(colon + 1).strip();
                switch (name) {
                    case "content-length" -> {
                        final long parsed = Long.parseLong(value);
                        if (parsed < 0 || (length >= 0 && length != parsed)) {
                            throw new IOException("malformed HTTP response: Content-Length " + value);
                        }
                        length = parsed;
                    }
                    case "transfer-encoding" -> {
                        // a list, possibly over several fields: the body is chunked when chunked comes last
                        transferEncoding = transferEncoding == null ? value : transferEncoding + "," + value;
                        final String[] codings = transferEncoding.split(",");
                        chunked = "chunked".equalsIgnoreCase(codings[codings.length - 1].strip());
                    }
                    case "connection" -> {
                        for (final String token : value.split(",")) {
                            close |= "close".equalsIgnoreCase(token.strip());
                            keepAlive |= "keep-alive".equalsIgnoreCase(token.strip());
                        }
                    }
                    default -> {
                        // not needed to read the answer
                    }
                }
            }
        }
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
