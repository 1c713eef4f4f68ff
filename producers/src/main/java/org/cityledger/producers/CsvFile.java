package org.cityledger.producers;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;

/**
 * A CSV file as a spreadsheet exports it (RFC 4180: UTF-8, optionally with a byte order mark, CRLF
 * or LF line ends, cells quoted when they hold commas, quotes or line breaks). The header row names
 * the ingest fields, nested ones dotted:
 * <pre>
 * eventId,type,occurredAt,district,sector,project.id,project.name,project.company,project.category,
 * amount.value,amount.currency,plannedWithinYear.value,plannedWithinYear.currency,program,
 * matching.value,matching.currency,corrects
 * </pre>
 * in any order, any subset ({@code source} too). Each row becomes the tree its JSON line would be
 * and is checked by {@link IngestJson#parse(com.fasterxml.jackson.databind.JsonNode)}, so a row is
 * refused with the same fields and reasons as a JSON line. An empty cell is an absent field; a row of
 * empty cells (a spreadsheet's trailing rows) is skipped.
 */
final class CsvFile implements EventFile {

    /** Every column a header may name, in the order a rejects file or the README lists them. */
    static final List<String> COLUMNS = CsvColumns.EVENT;
    private static final Set<String> KNOWN = Set.copyOf(COLUMNS);
    /** Columns an audit export adds after the event's ({@code audit.verdict}, ...): read past, so that an export publishes again as it is. */
    private static final String AUDIT_PREFIX = CsvColumns.AUDIT_PREFIX;
    private static final String BYTE_ORDER_MARK = "\uFEFF";
    private static final char REPLACEMENT = '\uFFFD';
    private static final CSVFormat FORMAT = CSVFormat.RFC4180.builder().setIgnoreEmptyLines(true).get();

    private final IngestJson json;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final List<String> header;
    private int linesRead;

    CsvFile(final Path file, final IngestJson json) throws IOException {
        this.json = json;
        // undecodable bytes become U+FFFD and the row holding one is refused: a reader that threw instead
        // would throw a buffer ahead of the row at fault and blame the wrong line
        final InputStreamReader reader = new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8
                .newDecoder().onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE));
        this.parser = FORMAT.parse(new BufferedReader(reader, 1 << 16));
        this.records = parser.iterator();
        try {
            this.header = readHeader();
        } catch (final IOException e) {
            parser.close();
            throw e;
        }
    }

    private List<String> readHeader() throws IOException {
        final CSVRecord first = nextRecord();
        if (first == null) {
            throw new UnreadableFileException(1, new Violation("$",
                    "the file is empty; a CSV file starts with a header row naming its columns: " + String.join(",", COLUMNS)));
        }
        final int line = startLine(first);
        final List<String> names = new ArrayList<>(first.size());
        final Set<String> seen = new HashSet<>();
        for (final String cell : first) {
            // a spreadsheet's UTF-8 export starts with a byte order mark, which is no part of the first name
            final String name = (names.isEmpty() && cell.startsWith(BYTE_ORDER_MARK) ? cell.substring(1) : cell).strip();
            if (name.indexOf(REPLACEMENT) >= 0) {
                throw new UnreadableFileException(line, JsonLinesFile.NOT_UTF8);
            }
            if (!KNOWN.contains(name) && !name.startsWith(AUDIT_PREFIX)) {
                throw new UnreadableFileException(line, new Violation(name.isEmpty() ? "$" : name,
                        (name.isEmpty() ? "column " + (names.size() + 1) + " has no name" : "unknown column")
                                + "; the columns are " + String.join(", ", COLUMNS)));
            }
            if (!seen.add(name)) {
                throw new UnreadableFileException(line, new Violation(name, "column named twice"));
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    @Override
    public FileRecord next() throws IOException {
        for (CSVRecord row = nextRecord(); row != null; row = nextRecord()) {
            final List<String> cells = row.toList();
            if (cells.stream().allMatch(String::isEmpty)) {
                continue;
            }
            return record(startLine(row), cells);
        }
        return null;
    }

    private CSVRecord nextRecord() throws IOException {
        try {
            final CSVRecord row = records.hasNext() ? records.next() : null;
            linesRead = (int) parser.getCurrentLineNumber();
            return row;
        } catch (final UncheckedIOException e) {
            // commons-csv says "EOF reached before encapsulated token finished" for a quote never closed
            throw new UnreadableFileException(linesRead + 1, new Violation("$",
                    "cannot be read as CSV from here on (is a quoted cell never closed?): " + e.getCause().getMessage()));
        }
    }

    /**
     * The parser counts the line breaks it has consumed, so after a row it stands on the row's last
     * line; the row starts as many lines earlier as its quoted cells hold line breaks.
     */
    private int startLine(final CSVRecord row) {
        int breaks = 0;
        for (final String cell : row) {
            for (int i = 0; i < cell.length(); i++) {
                final char c = cell.charAt(i);
                if (c == '\n' || c == '\r' && (i + 1 == cell.length() || cell.charAt(i + 1) != '\n')) {
                    breaks++;
                }
            }
        }
        return linesRead - breaks;
    }

    private FileRecord record(final int line, final List<String> cells) {
        if (cells.size() > header.size()) {
            return FileRecord.bad(line, List.of(new Violation("$", "has " + cells.size()
                    + " cells but the header names " + header.size() + " columns")), cells);
        }
        final ObjectNode tree = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < cells.size(); i++) {
            final String cell = cells.get(i);
            if (cell.indexOf(REPLACEMENT) >= 0) {
                return FileRecord.bad(line, List.of(JsonLinesFile.NOT_UTF8), cells);
            }
            if (!cell.isEmpty() && !header.get(i).startsWith(AUDIT_PREFIX)) {
                put(tree, header.get(i), cell);
            }
        }
        try {
            final LedgerEvent event = json.parse(tree);
            return FileRecord.good(line, event, cells);
        } catch (final IngestException e) {
            return FileRecord.bad(line, e.violations(), cells);
        }
    }

    private static void put(final ObjectNode tree, final String column, final String value) {
        final int dot = column.indexOf('.');
        if (dot < 0) {
            tree.put(column, value);
            return;
        }
        final String parent = column.substring(0, dot);
        final ObjectNode child = tree.get(parent) instanceof ObjectNode existing ? existing : tree.putObject(parent);
        child.put(column.substring(dot + 1), value);
    }

    @Override
    public int linesRead() {
        return linesRead;
    }

    @Override
    public RejectsFile rejectsTo(final Path target) throws IOException {
        final Writer out = Files.newBufferedWriter(target, StandardCharsets.UTF_8);
        // the office opens its rejects in the spreadsheet it exported from, which reads UTF-8 only after a BOM
        out.write(BYTE_ORDER_MARK);
        final List<String> columns = new ArrayList<>(header);
        columns.add("line");
        columns.add("reasons");
        final CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180);
        printer.printRecord(columns);
        return new Rejects(printer, header.size());
    }

    @Override
    public void close() throws IOException {
        parser.close();
    }

    /** The original columns, then {@code line} and {@code reasons} (joined with "; "). */
    private static final class Rejects implements RejectsFile {

        private final CSVPrinter printer;
        private final int columns;

        Rejects(final CSVPrinter printer, final int columns) {
            this.printer = printer;
            this.columns = columns;
        }

        @Override
        public synchronized void write(final FileRecord record, final List<Violation> reasons) throws IOException {
            final List<String> row = new ArrayList<>(record.raw());
            // a row that left its trailing cells out still gets its line and reasons under their headers
            while (row.size() < columns) {
                row.add("");
            }
            row.add(Integer.toString(record.line()));
            row.add(reasons.stream().map(Violation::toString).collect(Collectors.joining("; ")));
            printer.printRecord(row);
        }

        @Override
        public synchronized void close() throws IOException {
            printer.close(true);
        }
    }
}
