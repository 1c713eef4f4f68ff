package org.cityledger.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.cityledger.audit.Exporter;
import org.cityledger.audit.LedgerApi;
import org.cityledger.audit.PartitionLog;
import org.cityledger.audit.Reconciliation;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.Reference;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/** {@code ledger audit reconcile|export}: what auditors run against the log itself. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = {"Check the ledger against its own log, and take the log away.",
            "Both read the events topic from offset 0 with a plain consumer and decide every record again",
            "with the same rules, in code apart from the ledger's (the audit module)."},
        subcommands = {AuditCommand.Reconcile.class, AuditCommand.Export.class})
final class AuditCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options both subcommands take. */
    static final class LogOptions {
        @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOST:PORT[,...]",
                description = "Kafka cluster holding the events topic (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--kafka-config", paramLabel = "FILE",
                description = "Kafka client properties (security.protocol, sasl.*, ssl.*) for the consumer reading the log.")
        Path kafkaConfig;

        /** The consumer's settings: the client properties file's, the cluster's servers. */
        Properties clientSettings() {
            return KafkaConnection.of(bootstrapServers, kafkaConfig).clientProperties();
        }

        @Option(names = "--topic", defaultValue = Topics.EVENTS, paramLabel = "TOPIC",
                description = "The events topic (default: ${DEFAULT-VALUE}); a copy of it, to check what a copy holds.")
        String topic;

        @Option(names = "--horizon", defaultValue = "P3650D", paramLabel = "DURATION",
                description = "The ledger's --horizon, which the rules judge ages by (default: ${DEFAULT-VALUE}).")
        Duration horizon;

        EventRules rules() {
            return new EventRules(EventRules.DEFAULT_FUTURE_SKEW, horizon);
        }
    }

    /** Recomputes and compares. */
    @Command(name = "reconcile", mixinStandardHelpOptions = true,
            description = {"Recompute every total from the events topic and compare with the running ledger.",
                "",
                "Compared: the summary, every district, sector and district × sector cell,",
                "every figure and currency, and the dead-letter count, partition by partition. The ledger says",
                "through which offset each partition's totals are committed and this reads exactly that far,",
                "so the comparison is exact while events keep arriving.",
                "Exit code 0: every figure equal; 1: some differ (each listed, with both values); 2: could not run."})
    static final class Reconcile implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        LogOptions log = new LogOptions();

        @Option(names = "--api", defaultValue = "http://localhost:8080", paramLabel = "URL",
                description = "A running ledger's API (default: ${DEFAULT-VALUE}).")
        URI api;

        @Option(names = "--token", paramLabel = "TOKEN",
                description = "A read token, when the ledger needs one to read (also LEDGER_TOKEN).")
        String token;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final PrintWriter out = spec.commandLine().getOut();
            final PrintWriter err = spec.commandLine().getErr();
            final String readToken = token != null ? token : System.getenv("LEDGER_TOKEN");
            final long started = System.nanoTime();
            final Reconciliation.Report report;
            try (PartitionLog partitions = new PartitionLog(log.bootstrapServers, log.topic, log.clientSettings())) {
                report = new Reconciliation(partitions, new LedgerApi(api, readToken), log.rules())
                        .run(Progress.on(err, "read")::onProgress);
            } catch (final IOException e) {
                err.println("cannot reconcile: " + e.getMessage());
                return 2;
            }
            final long millis = (System.nanoTime() - started) / 1_000_000;
            out.printf(Locale.ROOT, "Read %,d records of %s through offsets %s in %,d ms.%n", report.records(), log.topic,
                    report.through(), millis);
            if (report.equal()) {
                out.printf(Locale.ROOT, "Every figure is equal: %,d figures and %,d dead letters recomputed agree with %s.%n",
                        report.figures(), report.deadLetters(), api);
                return 0;
            }
            out.printf(Locale.ROOT, "%,d figures differ between the ledger at %s and the log:%n", report.differences().size(), api);
            report.differences().forEach(d -> out.println("  " + d));
            return 1;
        }
    }

    /** Writes the history to a file. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Write the events the log counts now to a CSV or JSON-lines file.",
                "",
                "With all their fields, their verdict and their place in the log (audit.* columns, an 'audit' object in JSON lines). CSV is UTF-8 with a",
                "byte order mark, so a spreadsheet shows Chinese names as they are; amounts are exact decimals.",
                "The file publishes again as it is ('ledger publish'), into an empty ledger, to the same totals."})
    static final class Export implements Callable<Integer> {

        @picocli.CommandLine.Mixin
        LogOptions log = new LogOptions();

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write.")
        Path out;

        @Option(names = "--format", paramLabel = "csv|jsonl", description = "The file's form (default: from --out's extension, else csv).")
        String format;

        @Option(names = "--from", paramLabel = "INSTANT", converter = InstantConverter.class,
                description = "Earliest occurredAt, ISO-8601, inclusive.")
        Instant from;

        @Option(names = "--to", paramLabel = "INSTANT", converter = InstantConverter.class,
                description = "Latest occurredAt, ISO-8601, inclusive.")
        Instant to;

        @Option(names = "--district", paramLabel = "CODE", description = "Only this district (its code or GB/T 2260 code).")
        String district;

        @Option(names = "--sector", paramLabel = "CODE", description = "Only this sector (its code or GB/T 4754 class).")
        String sector;

        @Option(names = "--type", paramLabel = "KIND", description = "Only SIGNING, GROUNDBREAKING or FUNDING.")
        EventKind type;

        @Option(names = "--include-corrected", description = "Also the events a later correction replaced (audit.verdict corrected).")
        boolean includeCorrected;

        @Option(names = "--include-refused", description = "Also the records the rules refused (audit.verdict refused), with the reason.")
        boolean includeRefused;

        @picocli.CommandLine.Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            final PrintWriter stdout = spec.commandLine().getOut();
            final String districtCode = district == null ? null : Reference.districtCode(district);
            final String sectorCode = sector == null ? null : Reference.sectorCode(sector);
            if (districtCode != null && !Reference.isDistrict(districtCode)) {
                spec.commandLine().getErr().println("--district: unknown district '" + district + "'");
                return 2;
            }
            if (sectorCode != null && !Reference.isSector(sectorCode)) {
                spec.commandLine().getErr().println("--sector: unknown sector '" + sector + "'");
                return 2;
            }
            final Exporter.Format form = format != null ? Exporter.Format.valueOf(format.strip().toUpperCase(Locale.ROOT))
                    : out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".jsonl") ? Exporter.Format.JSONL : Exporter.Format.CSV;
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            final Exporter.Result result;
            try (PartitionLog partitions = new PartitionLog(log.bootstrapServers, log.topic, log.clientSettings())) {
                result = new Exporter(partitions, log.rules(), new IngestJson()).export(new Exporter.Filter(from, to, districtCode,
                        sectorCode, type, includeCorrected, includeRefused), form, out, Progress.on(spec.commandLine().getErr(), "read")::onProgress);
            }
            stdout.printf(Locale.ROOT, "Wrote %,d events to %s (%s) from %,d records of %s.%n", result.rows(), out,
                    form.name().toLowerCase(Locale.ROOT), result.recordsRead(), log.topic);
            return 0;
        }
    }

    /** An ISO-8601 instant, with or without an offset. */
    static final class InstantConverter implements ITypeConverter<Instant> {
        @Override
        public Instant convert(final String value) {
            try {
                return OffsetDateTime.parse(value).toInstant();
            } catch (final DateTimeParseException e) {
                return Instant.parse(value);
            }
        }
    }
}
