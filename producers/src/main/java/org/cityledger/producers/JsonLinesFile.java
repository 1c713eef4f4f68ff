package org.cityledger.producers;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedWriter;
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
import java.util.List;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;

/** A JSON-lines file: UTF-8, one {@link IngestJson} event per line, blank and {@code #} lines skipped. */
final class JsonLinesFile implements EventFile {

    static final Violation NOT_UTF8 = new Violation("$", "is not valid UTF-8 (the file must be saved as UTF-8)");
    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private final IngestJson json;
    private final InputStream in;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
    private int linesRead;
    private boolean ended;

    JsonLinesFile(final Path file, final IngestJson json) throws IOException {
        this.json = json;
        this.in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    }

    @Override
    public FileRecord next() throws IOException {
        while (!ended) {
            final byte[] bytes = readLine();
            if (bytes == null) {
                ended = true;
                return null;
            }
            linesRead++;
            final FileRecord record = record(bytes, linesRead);
            if (record != null) {
                return record;
            }
        }
        return null;
    }

    @Override
    public int linesRead() {
        return linesRead;
    }

    /** The next line's bytes without its line feed, or null at the end of the file. */
    private byte[] readLine() throws IOException {
        line.reset();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                return line.toByteArray();
            }
            line.write(b);
        }
        return line.size() > 0 ? line.toByteArray() : null;
    }

    /** The record of one line, or null for a blank or comment line. */
    private FileRecord record(final byte[] bytes, final int number) {
        final String decoded = decode(bytes);
        if (decoded == null) {
            // offices export from spreadsheets that default to GBK; say what to do about it
            return FileRecord.bad(number, List.of(NOT_UTF8), List.of(new String(bytes, StandardCharsets.UTF_8)));
        }
        // Windows editors start UTF-8 files with a byte order mark, which is not part of the first event;
        // a CR before the line feed is Windows' line end, not part of the event either
        final String withoutMark = number == 1 && decoded.startsWith(BYTE_ORDER_MARK) ? decoded.substring(1) : decoded;
        final String text = withoutMark.endsWith("\r") ? withoutMark.substring(0, withoutMark.length() - 1) : withoutMark;
        if (text.isBlank() || text.strip().startsWith("#")) {
            return null;
        }
        try {
            final LedgerEvent event = json.parse(text);
            return FileRecord.good(number, event, List.of(text));
        } catch (final IngestException e) {
            return FileRecord.bad(number, e.violations(), List.of(text));
        }
    }

    /** The line's text, or null when its bytes are not UTF-8. */
    private String decode(final byte[] bytes) {
        try {
            // decoded line by line, not as a stream, so that a bad byte is blamed on its own line
            return utf8.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (final CharacterCodingException e) {
            return null;
        }
    }

    @Override
    public RejectsFile rejectsTo(final Path target) throws IOException {
        return new Rejects(Files.newBufferedWriter(target, StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** {@code {"line":12,"reasons":["amount.value: must not be negative"],"input":"<the line>"}} per line. */
    private static final class Rejects implements RejectsFile {

        private final JsonMapper mapper = JsonMapper.builder().build();
        private final BufferedWriter out;

        Rejects(final BufferedWriter out) {
            this.out = out;
        }

        @Override
        public synchronized void write(final FileRecord record, final List<Violation> reasons) throws IOException {
            final ObjectNode node = mapper.createObjectNode();
            node.put("line", record.line());
            final ArrayNode reasonList = node.putArray("reasons");
            reasons.forEach(reason -> reasonList.add(reason.toString()));
            node.put("input", record.raw().isEmpty() ? "" : record.raw().get(0));
            try {
                out.write(mapper.writeValueAsString(node));
            } catch (final JsonProcessingException e) {
                throw new IllegalStateException("a tree of strings could not be written as JSON", e);
            }
            out.write('\n');
        }

        @Override
        public synchronized void close() throws IOException {
            out.close();
        }
    }
}
