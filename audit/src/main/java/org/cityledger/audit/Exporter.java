package org.cityledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.CsvColumns;
import org.cityledger.producers.IngestJson;

/**
 * Writes the events the log counts now (and, if asked, the corrected and the refused ones, flagged)
 * to a file in the ingest format, each with its verdict and place in the log in {@code audit.*}
 * columns (CSV) or an {@code audit} object (JSON lines), which publishing reads past: an export
 * publishes again, as it is, into an empty ledger and gives the same totals. A correction that
 * counts is written as the fact it now is, what it replaced named in {@code audit.replaces}, so
 * that the file stands on its own.
 *
 * <p>Reads each partition twice (the first time to learn which events a later correction replaced)
 * with the same decisions as {@link Reconciliation}, through the topic's end as it was when the
 * export began. Rows come partition by partition in log order.
 */
public final class Exporter {

    /** The file's form. */
    public enum Format {
        CSV,
        JSONL
    }

    /**
     * Which events to write.
     *
     * @param from             earliest occurredAt, inclusive; null: no bound
     * @param to               latest occurredAt, inclusive; null: no bound
     * @param district         null: every district
     * @param sector           null: every sector
     * @param kind             null: every kind
     * @param includeCorrected also the events a later correction replaced, flagged {@code corrected}
     * @param includeRefused   also the records the rules refused, flagged {@code refused}, with the reason
     */
    public record Filter(Instant from, Instant to, String district, String sector, EventKind kind, boolean includeCorrected,
                         boolean includeRefused) {
    }

    /** What was written. */
    public record Result(long rows, long recordsRead) {
    }

    static final List<String> AUDIT_COLUMNS = List.of("audit.verdict", "audit.replaces", "audit.correctedBy", "audit.reason",
            "audit.partition", "audit.offset", "audit.arrivedAt");
    private static final String BYTE_ORDER_MARK = "\uFEFF";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final PartitionLog log;
    private final EventRules rules;
    private final IngestJson json;

    public Exporter(final PartitionLog log, final EventRules rules, final IngestJson json) {
        this.log = log;
        this.rules = rules;
        this.json = json;
    }

    public Result export(final Filter filter, final Format format, final Path out, final Reconciliation.Progress progress)
            throws IOException {
        final int partitions = log.partitions();
        final Map<Integer, Long> ends = log.ends(partitions);
        final long total = ends.values().stream().mapToLong(Long::longValue).sum() * 2;
        final long[] counters = {0, 0};
        try (BufferedWriter writer = Files.newBufferedWriter(out, StandardCharsets.UTF_8)) {
            final Sink sink = format == Format.CSV ? csv(writer) : jsonLines(writer);
            for (int p = 0; p < partitions; p++) {
                final int partition = p;
                final long through = ends.get(p) - 1;
                // first reading: which events does a later correction replace, and by what
                final Decider first = new Decider(rules);
                final Map<String, String> correctedBy = new HashMap<>();
                log.read(partition, through, entry -> {
                    final Decision d = first.decide(entry.key(), entry.value(), entry.timestamp(), entry.refusal());
                    if (d.outcome() == Decision.Outcome.COUNTED && d.replaced() != null) {
                        correctedBy.put(d.replaced().eventId(), d.event().eventId());
                    }
                    tick(counters, progress, total);
                });
                final Set<String> replaced = correctedBy.keySet();
                final Decider second = new Decider(rules);
                log.read(partition, through, entry -> {
                    final Decision d = second.decide(entry.key(), entry.value(), entry.timestamp(), entry.refusal());
                    final Row row = row(d, replaced, correctedBy, filter, partition, entry);
                    if (row != null) {
                        sink.write(row);
                        counters[1]++;
                    }
                    tick(counters, progress, total);
                });
            }
            sink.close();
        }
        progress.onProgress(total, total);
        return new Result(counters[1], counters[0] / 2);
    }

    private static void tick(final long[] counters, final Reconciliation.Progress progress, final long total) {
        if (++counters[0] % 100_000 == 0) {
            progress.onProgress(counters[0], total);
        }
    }

    /** One row: the event as it now counts (null when unreadable), and its audit fields. */
    private record Row(LedgerEvent event, Map<String, String> audit, PartitionLog.Entry raw) {
    }

    private static Row row(final Decision d, final Set<String> replaced, final Map<String, String> correctedBy, final Filter filter,
                           final int partition, final PartitionLog.Entry entry) {
        final Map<String, String> audit = new LinkedHashMap<>();
        final LedgerEvent event;
        switch (d.outcome()) {
            case COUNTED -> {
                if (replaced.contains(d.event().eventId())) {
                    if (!filter.includeCorrected()) {
                        return null;
                    }
                    audit.put("verdict", "corrected");
                    audit.put("correctedBy", correctedBy.get(d.event().eventId()));
                    event = d.event();
                } else {
                    audit.put("verdict", "counted");
                    // the fact as it now counts: what it replaced is history, named but not to be replayed
                    event = d.event().corrects() == null ? d.event() : d.event().toBuilder().corrects(null).build();
                    if (d.event().corrects() != null) {
                        audit.put("replaces", d.event().corrects());
                    }
                }
            }
            case REFUSED -> {
                if (!filter.includeRefused()) {
                    return null;
                }
                audit.put("verdict", "refused");
                audit.put("reason", d.reason());
                event = d.event();
            }
            default -> {
                return null;
            }
        }
        if (event != null && !matches(event, filter)) {
            return null;
        }
        if (event == null && (filter.district() != null || filter.sector() != null || filter.kind() != null
                || filter.from() != null || filter.to() != null)) {
            return null;
        }
        audit.put("partition", Integer.toString(partition));
        audit.put("offset", Long.toString(entry.offset()));
        audit.put("arrivedAt", Instant.ofEpochMilli(entry.timestamp()).toString());
        return new Row(event, audit, entry);
    }

    private static boolean matches(final LedgerEvent event, final Filter filter) {
        return (filter.district() == null || filter.district().equals(event.district()))
                && (filter.sector() == null || filter.sector().equals(event.sector()))
                && (filter.kind() == null || filter.kind() == event.kind())
                && (filter.from() == null || event.occurredAt() == null || !event.occurredAt().isBefore(filter.from()))
                && (filter.to() == null || event.occurredAt() == null || !event.occurredAt().isAfter(filter.to()));
    }

    private interface Sink {
        void write(Row row);

        void close() throws IOException;
    }

    private Sink csv(final BufferedWriter writer) throws IOException {
        // a spreadsheet reads UTF-8, Chinese names and all, only after a byte order mark
        writer.write(BYTE_ORDER_MARK);
        final CSVPrinter printer = new CSVPrinter(writer, CSVFormat.RFC4180);
        final List<String> header = new ArrayList<>(CsvColumns.EVENT);
        header.addAll(AUDIT_COLUMNS);
        printer.printRecord(header);
        return new Sink() {
            @Override
            public void write(final Row row) {
                final JsonNode event = row.event() == null ? MAPPER.createObjectNode() : tree(row.event());
                final List<String> cells = new ArrayList<>(header.size());
                for (final String column : CsvColumns.EVENT) {
                    final int dot = column.indexOf('.');
                    final JsonNode cell = dot < 0 ? event.get(column) : event.path(column.substring(0, dot)).get(column.substring(dot + 1));
                    cells.add(cell == null || cell.isNull() ? "" : cell.asText());
                }
                for (final String column : AUDIT_COLUMNS) {
                    cells.add(row.audit().getOrDefault(column.substring(CsvColumns.AUDIT_PREFIX.length()), ""));
                }
                try {
                    printer.printRecord(cells);
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() throws IOException {
                printer.flush();
            }
        };
    }

    private Sink jsonLines(final BufferedWriter writer) {
        return new Sink() {
            @Override
            public void write(final Row row) {
                final ObjectNode line = row.event() == null ? MAPPER.createObjectNode() : tree(row.event());
                final ObjectNode audit = line.putObject(IngestJson.AUDIT_FIELD);
                row.audit().forEach(audit::put);
                if (row.event() == null) {
                    audit.put("key", row.raw().key());
                    audit.put("valueBase64", row.raw().value() == null ? null : Base64.getEncoder().encodeToString(row.raw().value()));
                }
                try {
                    writer.write(line.toString());
                    writer.write('\n');
                } catch (final IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void close() throws IOException {
                writer.flush();
            }
        };
    }

    private ObjectNode tree(final LedgerEvent event) {
        try {
            return (ObjectNode) MAPPER.readTree(json.write(event));
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
