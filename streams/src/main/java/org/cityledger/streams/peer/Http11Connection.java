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
import java.util.Locale;

/**
 * One kept-alive HTTP/1.1 connection, GET only, blocking: what instances use to ask each other
 * ({@link HttpPeers}). The JDK's
 * {@code java.net.http.HttpClient} spent more CPU per request (executor hops, futures, a selector
 * thread) than the ledger's own key lookup, on machines where peers and ledger share the cores.
 * Not thread-safe: one user at a time.
 */
final class Http11Connection implements AutoCloseable {

    /** One answer: status, the named header's value ("" if absent), and the body. */
    record Response(int status, String header, byte[] body) {
    }

    private final String host;
    private final int port;
    private final int timeoutMillis;
    private Socket socket;
    /** Whether the last answer's status line arrived: a kept-alive connection that fails before it was stale. */
    private boolean answerStarted;
    private InputStream in;
    private OutputStream out;

    Http11Connection(final String host, final int port, final int timeoutMillis) {
        this.host = host;
        this.port = port;
        this.timeoutMillis = timeoutMillis;
    }

    /** GETs {@code path}; reconnects once if the kept-alive connection was closed under it. */
    Response get(final String path, final String headerName) throws IOException {
        final byte[] request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        if (socket != null) {
            try {
                out.write(request);
                out.flush();
                return read(headerName);
            } catch (final SocketTimeoutException slow) {
                // the server is slow, not gone: asking again would only double its load
                close();
                throw slow;
            } catch (final IOException stale) {
                close();
                if (answerStarted) {
                    // the server answered, wrongly or only in part: asking again would not fix that
                    throw stale;
                }
            }
        }
        connect();
        out.write(request);
        out.flush();
        return read(headerName);
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(timeoutMillis);
        socket.connect(new InetSocketAddress(host, port), timeoutMillis);
        in = new BufferedInputStream(socket.getInputStream(), 16_384);
        out = socket.getOutputStream();
    }

    private Response read(final String headerName) throws IOException {
        try {
            return parse(headerName);
        } catch (final NumberFormatException e) {
            close();
            throw new IOException("malformed HTTP response: " + e.getMessage(), e);
        }
    }

    private Response parse(final String headerName) throws IOException {
        answerStarted = false;
        final String statusLine = line();
        answerStarted = true;
        final String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        final int status = Integer.parseInt(parts[1]);
        final String wanted = headerName.toLowerCase(Locale.ROOT) + ":";
        String header = "";
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        for (String line = line(); !line.isEmpty(); line = line()) {
            final String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith(wanted)) {
                header = line.substring(wanted.length()).trim();
            } else if (lower.startsWith("content-length:")) {
                length = Long.parseLong(line.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        final byte[] body;
        if (status / 100 == 1 || status == 204 || status == 304) {
            body = new byte[0];
        } else if (chunked) {
            final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int size = Integer.parseInt(line().split(";", 2)[0].trim(), 16); size > 0;
                 size = Integer.parseInt(line().split(";", 2)[0].trim(), 16)) {
                bytes.write(in.readNBytes(size));
                line();
            }
            for (String trailer = line(); !trailer.isEmpty(); trailer = line()) {
                // trailers are not used by the ledger
            }
            body = bytes.toByteArray();
        } else if (length >= 0) {
            body = in.readNBytes((int) length);
            if (body.length < length) {
                throw new EOFException("connection closed after " + body.length + " of " + length + " body bytes");
            }
        } else {
            body = in.readAllBytes();
            close = true;
        }
        if (close) {
            close();
        }
        return new Response(status, header, body);
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
            line.append((char) b);
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
