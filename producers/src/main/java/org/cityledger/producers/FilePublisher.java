package org.cityledger.producers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a district office's JSON-lines file (UTF-8, one {@link IngestJson} event per line;
 * blank lines and lines starting with {@code #} are skipped).
 *
 * <p>All or nothing: the whole file is checked first and, if any line is bad, nothing is published
 * and the report lists every bad line with its number. The office fixes the file and uploads it
 * again; the lines that were good then are published then, and a line published by an earlier upload
 * is counted once by the ledger anyway. Publishing only the good lines instead would leave the office
 * to work out which of its lines went in.
 *
 * <p>The file's events are held in memory between checking and publishing.
 */
public final class FilePublisher {

    private static final Logger LOG = LoggerFactory.getLogger(FilePublisher.class);
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final IngestJson json;
    private final EventSink sink;

    public FilePublisher(final IngestJson json, final EventSink sink) {
        this.json = Objects.requireNonNull(json, "json");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** Checks {@code file} without publishing anything. */
    public FileReport check(final Path file) throws IOException {
        return read(file).report(file, 0);
    }

    /** {@link #publish(Path, ProgressListener)} without progress reports. */
    public FileReport publish(final Path file) throws IOException {
        return publish(file, ProgressListener.none());
    }

    /**
     * Checks {@code file} and, if every line is good, publishes all its events.
     *
     * @param progress told as events are handed to the broker; wrap it in {@link ProgressListener#every}
     *                 for long files
     * @throws PublishException if the file was good but sends failed
     */
    public FileReport publish(final Path file, final ProgressListener progress) throws IOException {
        final Parsed parsed = read(file);
        if (!parsed.errors.isEmpty()) {
            LOG.warn("{}: {} bad line(s), nothing published", file, parsed.errors.size());
            return parsed.report(file, 0);
        }
        final PublishResult result = sink.publishAll(parsed.events, progress);
        LOG.info("{}: {} events published", file, result.published());
        return parsed.report(file, result.published());
    }

    private Parsed read(final Path file) throws IOException {
        final Parsed parsed = new Parsed();
        final Map<String, Seen> seenById = new HashMap<>();
        final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b == '\n') {
                    handleLine(line.toByteArray(), utf8, parsed, seenById);
                    line.reset();
                } else {
                    line.write(b);
                }
            }
            if (line.size() > 0) {
                handleLine(line.toByteArray(), utf8, parsed, seenById);
            }
        }
        return parsed;
    }

    private void handleLine(final byte[] bytes, final CharsetDecoder utf8, final Parsed parsed,
                            final Map<String, Seen> seenById) {
        parsed.linesRead++;
        final int number = parsed.linesRead;
        final String decoded = decode(bytes, utf8);
        if (decoded == null) {
            parsed.eventLines++;
            // offices export from spreadsheets that default to GBK; say what to do about it
            parsed.errors.add(new FileReport.LineError(number, List.of(new Violation("$",
                    "is not valid UTF-8 (the file must be saved as UTF-8)"))));
            return;
        }
        // Windows editors start UTF-8 files with a byte order mark, which is not part of the first event
        final String text = number == 1 && decoded.startsWith(BYTE_ORDER_MARK) ? decoded.substring(1) : decoded;
        if (text.isBlank() || text.strip().startsWith("#")) {
            return;
        }
        parsed.eventLines++;
        parseLine(text, number, parsed, seenById);
    }

    /** The line's text, or null when its bytes are not UTF-8. */
    private static String decode(final byte[] bytes, final CharsetDecoder utf8) {
        try {
            // decoded line by line, not as a stream, so that a bad byte is blamed on its own line
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            return null;
        }
    }

    private void parseLine(final String text, final int number, final Parsed parsed, final Map<String, Seen> seenById) {
        final LedgerEvent event;
        try {
            event = json.parse(text);
        } catch (final IngestException e) {
            parsed.errors.add(new FileReport.LineError(number, e.violations()));
            return;
        }
        final String canonical = json.write(event);
        final Seen earlier = seenById.putIfAbsent(event.eventId(), new Seen(number, canonical));
        if (earlier != null && !earlier.canonical.equals(canonical)) {
            // the ledger would keep the first and drop this one as a duplicate: surely not what was meant
            parsed.errors.add(new FileReport.LineError(number, List.of(new Violation("eventId",
                    "already used on line " + earlier.line + " for a different event"))));
            return;
        }
        parsed.events.add(event);
    }

    private record Seen(int line, String canonical) {
    }

    private static final class Parsed {
        private final List<LedgerEvent> events = new ArrayList<>();
        private final List<FileReport.LineError> errors = new ArrayList<>();
        private int linesRead;
        private int eventLines;

        private FileReport report(final Path file, final long published) {
            return new FileReport(file, linesRead, eventLines, published, errors);
        }
    }
}
