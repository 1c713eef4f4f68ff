package org.cityledger.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.ApiDelivery;
import org.cityledger.producers.DeliveryReport;
import org.cityledger.producers.EventDelivery;
import org.cityledger.producers.FileFormat;
import org.cityledger.producers.FilePublisher;
import org.cityledger.producers.FileReport;
import org.cityledger.producers.IngestJson;
import org.cityledger.producers.KafkaDelivery;
import org.cityledger.producers.LedgerApiClient;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.streams.LedgerNode;

/**
 * Stage 12 (issue 10): a district office's file of JSON lines published with the library behind
 * {@code ledger publish} ({@link FilePublisher}, in-process), once through the running ledger's API
 * as the office ({@link ApiDelivery}, what {@code --api URL --token T} does) and once straight to
 * Kafka ({@link KafkaDelivery}, what {@code --bootstrap-servers} does), with the command's defaults
 * (batches of {@value #BATCH_SIZE}, {@value #IN_FLIGHT} batches in flight). Two files of the same
 * size and mix, different event ids, so that neither run meets the other's events as duplicates. The
 * clock covers what the command does: the check pass over the file, sending, and asking for every
 * verdict; the time until the last event was acknowledged is given too.
 */
final class PublishStage {

    /** {@code ledger publish}'s defaults. */
    static final int BATCH_SIZE = FilePublisher.DEFAULT_BATCH_SIZE;
    static final int IN_FLIGHT = 2;
    private static final int API_ATTEMPTS = 8;
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final BenchRun run;

    PublishStage(final BenchRun run) {
        this.run = run;
    }

    void run() {
        final LedgerNode node = run.ensureNode(Stage.PUBLISH);
        final int lines = run.settings().offices().fileEvents();
        final String district = run.catalog().districtsBySize().get(0);
        final URI api = URI.create("http://localhost:" + node.httpPort());
        final Report.Section section = run.report().section(Stage.PUBLISH);
        final Map<String, Object> api1 = publish("api", district, lines, (file, json) -> {
            final LedgerApiClient client = new LedgerApiClient(api, run.officeToken(district), API_ATTEMPTS,
                    LedgerApiClient.Pause.sleeping());
            return new ApiDelivery(client, json, IN_FLIGHT, PATIENCE);
        });
        row(section, "through the API (as the " + district + " office)", api1);
        final LedgerPublisher publisher = new LedgerPublisher(run.kafka(), new Properties());
        final Map<String, Object> kafka;
        try {
            kafka = publish("kafka", district, lines, (file, json) -> new KafkaDelivery(publisher, run.kafka().bootstrapServers(),
                    new LedgerApiClient(api, null, API_ATTEMPTS, LedgerApiClient.Pause.sleeping()), BATCH_SIZE, PATIENCE));
        } finally {
            publisher.close();
        }
        row(section, "straight to Kafka", kafka);
        final double ratio = (Double) api1.get("eventsPerSecond") / (Double) kafka.get("eventsPerSecond");
        final String check = run.checkTotals(Stage.PUBLISH);
        section.figure("ratioApiToKafka", ratio, "API / Kafka", Fmt.ratio(ratio))
                .figure("check", check, "check (totals = oracle incl. both files)", check)
                .detail("api", api1)
                .detail("kafka", kafka)
                .detail("lines", lines)
                .detail("method", "FilePublisher.publish over a JSON-lines file of new events of one district, batch "
                        + "size " + BATCH_SIZE + ", " + IN_FLIGHT + " batches in flight through the API (ledger publish's "
                        + "defaults); the clock covers the check pass, the sending and the verdicts of every event "
                        + "(both ways ask the ledger for them), 'acknowledged' is when the last event was acknowledged "
                        + "by the API or the broker. CPU per event: the JVM's (broker, ledger, publisher) over the run");
    }

    private static void row(final Report.Section section, final String label, final Map<String, Object> figures) {
        section.row(label, String.format(Locale.ROOT, "%s (all acknowledged after %s, every verdict after %s); "
                        + "counted %s of %s; CPU %s µs per event (whole JVM)",
                Fmt.rate((Double) figures.get("eventsPerSecond"), "events"),
                Fmt.seconds((Double) figures.get("acknowledgedSeconds")), Fmt.seconds((Double) figures.get("seconds")),
                Fmt.count((Long) figures.get("counted")), Fmt.count((Integer) figures.get("lines")),
                figures.get("processCpuMicrosPerEvent")));
    }

    /** Makes a delivery for one file. */
    @FunctionalInterface
    private interface Deliveries {
        EventDelivery open(Path file, IngestJson json);
    }

    private Map<String, Object> publish(final String way, final String district, final int lines,
                                        final Deliveries deliveries) {
        final Path file = run.runDir().resolve("office-file-" + way + ".jsonl");
        // one instant for both passes over the file, as ledger publish does
        final IngestJson json = new IngestJson(Clock.fixed(Clock.systemUTC().instant(), ZoneOffset.UTC));
        run.note(Stage.PUBLISH, "writing %,d lines of the %s office to %s (not timed)", lines, district, file);
        final Oracle written = write(file, json, district, way, lines);
        try {
            run.note(Stage.PUBLISH, "publishing %s %s", file.getFileName(), "api".equals(way) ? "through the API" : "to Kafka");
            final Progress progress = Progress.of(run.out(), Stage.PUBLISH.key(), "events acknowledged", lines);
            final AtomicLong acknowledgedAt = new AtomicLong();
            final long cpuFrom = OS.getProcessCpuTime();
            final long start = System.nanoTime();
            final FileReport report;
            try (EventDelivery delivery = deliveries.open(file, json)) {
                report = new FilePublisher(json).publish(file, FileFormat.JSONL, delivery,
                        new FilePublisher.Options(BATCH_SIZE, null), (done, total) -> {
                            progress.update(done);
                            if (done == total) {
                                acknowledgedAt.set(System.nanoTime());
                            }
                        });
            }
            final long finished = System.nanoTime();
            final long cpu = OS.getProcessCpuTime() - cpuFrom;
            // what was sent is in the topic: the oracle learns it whether or not every verdict came
            run.oracle().merge(written);
            final DeliveryReport delivered = report.delivery();
            final Map<String, Object> figures = new LinkedHashMap<>();
            final double seconds = (finished - start) / 1e9;
            figures.put("lines", lines);
            figures.put("seconds", Fmt.round(seconds));
            figures.put("eventsPerSecond", Fmt.round(lines / seconds));
            figures.put("acknowledgedSeconds", acknowledgedAt.get() == 0 ? null : Fmt.round((acknowledgedAt.get() - start) / 1e9));
            figures.put("accepted", delivered == null ? 0L : delivered.accepted());
            figures.put("counted", delivered == null ? 0L : delivered.counted());
            figures.put("duplicates", delivered == null ? 0L : delivered.duplicates());
            figures.put("rejected", delivered == null ? 0 : delivered.rejected().size());
            figures.put("pending", delivered == null ? 0L : delivered.pending());
            figures.put("unknown", delivered == null ? 0L : delivered.unknown());
            figures.put("failure", delivered == null || delivered.failure() == null ? null : delivered.failure().message());
            figures.put("processCpuMicrosPerEvent", Fmt.round(cpu / 1e3 / lines));
            if (delivered == null || delivered.counted() != lines) {
                run.report().problem(String.format(Locale.ROOT, "publish %s: %s of %d lines counted (%s)", way,
                        delivered == null ? "none" : Long.toString(delivered.counted()), lines,
                        delivered == null ? report.errors() : delivered));
            }
            return figures;
        } catch (final IOException e) {
            throw new UncheckedIOException("publishing " + file, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (final IOException e) {
                run.note(Stage.PUBLISH, "could not delete " + file + ": " + e.getMessage());
            }
        }
    }

    /** The file, and the oracle of exactly its events. */
    private Oracle write(final Path file, final IngestJson json, final String district, final String way,
                         final int lines) {
        final OfficeEvents source = new OfficeEvents(run.codec(), run.catalog(), run.settings().seed(),
                "file-" + way + "-" + run.runId(), district);
        final Oracle oracle = new Oracle();
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < lines; i++) {
                final LedgerEvent event = source.next();
                out.write(OfficeEvents.json(json, event));
                out.write('\n');
                oracle.record(GeneratedEvent.Category.NEW);
                oracle.count(event, 1);
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return oracle;
    }
}
