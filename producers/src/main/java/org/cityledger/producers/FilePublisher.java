package org.cityledger.producers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a district office's file of events: JSON lines or CSV ({@link FileFormat}), through an
 * {@link EventDelivery} (straight to Kafka, or through a ledger's HTTP API).
 *
 * <p>All or nothing by default: the whole file is checked first and, if any line is bad, nothing is
 * published and the report lists every bad line with its number. The office fixes the file and
 * uploads it again; a line published by an earlier upload is counted once by the ledger anyway.
 * With a rejects file ({@code --skip-invalid}) the good lines are published and each bad one is
 * written there with its line number and reasons, in the input's own format.
 *
 * <p>Memory: the file is streamed twice, never held. The first pass checks every record and keeps
 * only the bad lines' errors and, per distinct event id, its first line and a 64-bit fingerprint of
 * its content (some tens of bytes per id, so that an id reused for a different event is caught
 * anywhere in the file); the second pass reads the file again and sends it batch by batch, with at
 * most a few batches on their way and a bounded backlog of verdicts still to ask for. A file of a
 * million lines is never a million {@link LedgerEvent}s in memory. The file must not change between
 * the passes.
 */
public final class FilePublisher {

    /** Events per batch unless told otherwise: a tenth of a megabyte of JSON, well under the API's limits. */
    public static final int DEFAULT_BATCH_SIZE = 500;

    private static final Logger LOG = LoggerFactory.getLogger(FilePublisher.class);

    private final IngestJson json;

    /**
     * @param json the checks every record passes; give it a fixed clock so that both passes judge
     *             {@code occurredAt} alike
     */
    public FilePublisher(final IngestJson json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** Checks {@code file}, in the format its name says, without publishing anything. */
    public FileReport check(final Path file) throws IOException {
        return check(file, FileFormat.of(file));
    }

    /** Checks {@code file} without publishing anything. */
    public FileReport check(final Path file, final FileFormat format) throws IOException {
        final Scan scan = scan(file, format);
        return scan.report(file, format, null, 0, null);
    }

    /**
     * Checks {@code file} and publishes its good events: all of them if every line is good, or, when
     * {@code options} name a rejects file, the good ones while the bad ones go there.
     *
     * @param progress told as events are acknowledged, on any thread
     */
    public FileReport publish(final Path file, final FileFormat format, final EventDelivery delivery,
                              final Options options, final ProgressListener progress) throws IOException {
        final Scan scan = scan(file, format);
        if (scan.unreadable || !scan.errors.isEmpty() && options.rejectsFile() == null) {
            LOG.debug("{}: {} bad line(s), nothing published", file, scan.errors.size());
            return scan.report(file, format, null, 0, null);
        }
        final AtomicReference<IOException> rejectsFailure = new AtomicReference<>();
        long sent = 0;
        final DeliveryReport delivered;
        try (EventFile in = EventFile.open(file, format, json);
             EventFile.RejectsFile rejects = options.rejectsFile() == null ? null : in.rejectsTo(options.rejectsFile())) {
            delivery.begin(scan.good, rejects != null, new EventDelivery.Listener() {
                @Override
                public void onProgress(final long done, final long total) {
                    progress.onProgress(done, total);
                }

                @Override
                public void onRefusedByLedger(final FileRecord record, final List<Violation> reasons) {
                    write(rejects, record, reasons, rejectsFailure);
                }
            });
            List<FileRecord> batch = new ArrayList<>(options.batchSize());
            for (FileRecord record = in.next(); record != null && !delivery.stopped(); record = in.next()) {
                final Violation conflict = scan.conflicts.get(record.line());
                if (!record.isValid() || conflict != null) {
                    write(rejects, record, record.isValid() ? List.of(conflict) : record.violations(), rejectsFailure);
                    continue;
                }
                batch.add(record);
                if (batch.size() == options.batchSize()) {
                    delivery.send(batch);
                    sent += batch.size();
                    batch = new ArrayList<>(options.batchSize());
                }
            }
            if (!batch.isEmpty() && !delivery.stopped()) {
                delivery.send(batch);
                sent += batch.size();
            }
            delivered = delivery.finish();
        }
        if (rejectsFailure.get() != null) {
            throw rejectsFailure.get();
        }
        LOG.debug("{}: {} events sent, {} acknowledged", file, sent, delivered.accepted());
        return scan.report(file, format, options.rejectsFile(), sent, delivered);
    }

    private static void write(final EventFile.RejectsFile rejects, final FileRecord record, final List<Violation> reasons,
                              final AtomicReference<IOException> failure) {
        if (rejects == null) {
            return;
        }
        try {
            rejects.write(record, reasons);
        } catch (final IOException e) {
            failure.compareAndSet(null, e);
        } catch (final UncheckedIOException e) {
            failure.compareAndSet(null, e.getCause());
        }
    }

    private Scan scan(final Path file, final FileFormat format) throws IOException {
        final Scan scan = new Scan();
        final Map<String, Seen> seenById = new HashMap<>();
        try (EventFile in = EventFile.open(file, format, json)) {
            try {
                for (FileRecord record = in.next(); record != null; record = in.next()) {
                    scan.events++;
                    scan.add(record, seenById);
                }
            } catch (final EventFile.UnreadableFileException e) {
                scan.errors.add(e.error());
                scan.unreadable = true;
            } finally {
                scan.linesRead = in.linesRead();
            }
        } catch (final EventFile.UnreadableFileException e) {
            // the header itself
            scan.errors.add(e.error());
            scan.unreadable = true;
        }
        return scan;
    }

    /**
     * A 64-bit FNV-1a fingerprint of an event's canonical form. Should two different events under one
     * id ever collide, the ledger still refuses the second as a conflicting duplicate, and says so.
     */
    private static long fingerprint(final String canonical) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < canonical.length(); i++) {
            hash ^= canonical.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /**
     * How a file is published.
     *
     * @param batchSize   events per batch, 1 to {@link LedgerApiClient#MAX_BATCH}
     * @param rejectsFile where bad records go while the good ones are published, or null for all or nothing
     */
    public record Options(int batchSize, Path rejectsFile) {

        public Options {
            if (batchSize < 1 || batchSize > LedgerApiClient.MAX_BATCH) {
                throw new IllegalArgumentException("batch size must be 1 to " + LedgerApiClient.MAX_BATCH + ", was " + batchSize);
            }
        }

        /** Batches of {@link #DEFAULT_BATCH_SIZE}, all or nothing. */
        public static Options defaults() {
            return new Options(DEFAULT_BATCH_SIZE, null);
        }
    }

    private record Seen(int line, long fingerprint) {
    }

    private final class Scan {
        private final List<FileReport.LineError> errors = new ArrayList<>();
        /** Lines whose event id was used before for a different event: good on their own, refused in the file. */
        private final Map<Integer, Violation> conflicts = new HashMap<>();
        private int linesRead;
        private int events;
        private long good;
        private boolean unreadable;

        private void add(final FileRecord record, final Map<String, Seen> seenById) {
            if (!record.isValid()) {
                errors.add(new FileReport.LineError(record.line(), record.violations()));
                return;
            }
            final long fingerprint = fingerprint(json.write(record.event()));
            final Seen earlier = seenById.putIfAbsent(record.event().eventId(), new Seen(record.line(), fingerprint));
            if (earlier != null && earlier.fingerprint != fingerprint) {
                // the ledger would keep the first and refuse this one: surely not what was meant
                final Violation conflict = new Violation("eventId", "already used on line " + earlier.line
                        + " for a different event");
                conflicts.put(record.line(), conflict);
                errors.add(new FileReport.LineError(record.line(), List.of(conflict)));
                return;
            }
            good++;
        }

        private FileReport report(final Path file, final FileFormat format, final Path rejectsFile, final long sent,
                                  final DeliveryReport delivery) {
            return new FileReport(file, format, linesRead, events, errors, unreadable, rejectsFile, sent, delivery);
        }
    }
}
