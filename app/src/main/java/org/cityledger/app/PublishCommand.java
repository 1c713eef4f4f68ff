package org.cityledger.app;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.cityledger.domain.Reference;
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
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Publishes a district office's file of events: JSON lines or CSV, to Kafka or through a ledger's API. */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Publish a file of events, straight to Kafka or through the HTTP API as an office.",
            "",
            "The file is JSON lines (one event per line) or CSV, a header row naming the",
            "fields, nested ones dotted:",
            "  eventId,type,occurredAt,district,sector,project.id,project.name,",
            "  project.company,project.category,amount.value,amount.currency,",
            "  plannedWithinYear.value,plannedWithinYear.currency,program,",
            "  matching.value,matching.currency,corrects",
            "(an empty cell is an absent field; a spreadsheet's UTF-8 export as it is).",
            "",
            "The whole file is checked first: if any line is invalid, every bad line",
            "is reported with its number and nothing is published (with --skip-invalid",
            "the good lines are published and the bad ones written to a rejects file).",
            "The events go straight to Kafka (--bootstrap-servers, for the city's",
            "operators) or through a running ledger's HTTP API as an office (--api and",
            "a token). The report counts what the ledger made of them: new, corrections,",
            "duplicates, rejected, pending.",
            "",
            "Re-running an interrupted or failed publish is safe: the ledger counts",
            "each event id once, and what went in the first time is reported as",
            "duplicates, never counted twice.",
            ""},
        footer = {"", "Exit codes:",
            "  0  every event judged, none rejected",
            "  1  invalid lines, or events the ledger rejected",
            "  2  bad usage, no access, or the ledger or broker unreachable",
            "  3  published, but some verdicts still pending or not to be had",
            "     (re-run later: what was counted shows as duplicates)",
            "", "Examples:",
            "  ledger publish --check kunshan.csv",
            "  ledger publish --api https://ledger.example --token-file ~/.ledger-token kunshan.csv",
            "  LEDGER_TOKEN=... ledger publish --api https://ledger.example --skip-invalid rejects.csv kunshan.csv",
            "  ledger publish --bootstrap-servers k1:9092 --verdicts-url http://ledger-1:8080 kunshan.jsonl"})
final class PublishCommand implements Callable<Integer> {

    static final int OK = 0;
    static final int INVALID = 1;
    static final int USAGE = 2;
    static final int UNJUDGED = 3;
    private static final String DEFAULT_BOOTSTRAP = "localhost:9092";
    private static final int MAX_IN_FLIGHT = 8;
    private static final int LISTED_REJECTIONS = 50;
    private static final int API_ATTEMPTS = 8;
    private static final int VERDICT_ATTEMPTS = 2;

    @Spec
    CommandSpec spec;

    /** Where LEDGER_TOKEN is read from; tests put their own environment here. */
    UnaryOperator<String> environment = System::getenv;

    @Parameters(paramLabel = "FILE", description = "File of events: .csv is CSV; .jsonl, .ndjson, .json or anything else JSON lines.")
    Path file;

    @Option(names = "--format", paramLabel = "csv|jsonl", description = "Read FILE as this format, whatever its name.")
    FileFormat format;

    @Option(names = "--check", description = "Only check the file and report every bad line; publish nothing.")
    boolean checkOnly;

    @Option(names = "--skip-invalid", paramLabel = "REJECTS_FILE",
            description = "Publish the good lines and write each bad one to REJECTS_FILE, in the input's format"
                    + " with its line number and reasons (CSV: the original columns plus line and reasons).")
    Path rejectsFile;

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Publish straight to this Kafka cluster (default: " + DEFAULT_BOOTSTRAP
                    + ", the embedded broker of 'ledger run').")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = {"With Kafka: client properties (security.protocol, sasl.*, ssl.*, ...) for the producer,",
                "e.g. the office's file a secured ledger wrote ('ledger run --secure')."})
    Path kafkaConfig;

    @Option(names = "--office", paramLabel = "DISTRICT",
            description = {"With Kafka: publish as this district's office into its inbox topic ledger.inbox.DISTRICT",
                "(a secured cluster lets an office write nothing else); the ledger moves the events on."})
    String office;

    @Option(names = "--verdicts-url", defaultValue = "http://localhost:8080", paramLabel = "URL",
            description = "With Kafka: the ledger to ask what it made of the events (default: ${DEFAULT-VALUE}).")
    String verdictsUrl;

    @Option(names = "--api", paramLabel = "URL",
            description = "Publish through this running ledger's HTTP API as an office, e.g. https://ledger.example.")
    String api;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The office's token (prefer --token-file or LEDGER_TOKEN: this one stays in shell history).")
    String token;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Read the office's token from FILE.")
    Path tokenFile;

    @Option(names = "--batch-size", defaultValue = "500", paramLabel = "N",
            description = "Events per request or batch, 1 to 1000 (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--in-flight", defaultValue = "2", paramLabel = "N",
            description = "Batches on their way to the API at once, 1 to " + MAX_IN_FLIGHT + " (default: ${DEFAULT-VALUE}).")
    int inFlight;

    @Option(names = "--verdicts-wait", defaultValue = "60", paramLabel = "SECONDS",
            description = "How long to keep asking while the ledger has not judged events yet (default: ${DEFAULT-VALUE}).")
    int verdictsWaitSeconds;

    @Override
    public Integer call() {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        validate();
        final FileFormat chosen = format != null ? format : FileFormat.of(file);
        // one instant for both passes over the file, so that a line good in the check is good when sent
        final IngestJson json = new IngestJson(Clock.fixed(Clock.systemUTC().instant(), ZoneOffset.UTC));
        final FilePublisher files = new FilePublisher(json);
        try {
            if (checkOnly) {
                final FileReport report = files.check(file, chosen);
                printChecked(out, report);
                return report.isClean() ? OK : INVALID;
            }
            final FilePublisher.Options options = new FilePublisher.Options(batchSize, rejectsFile);
            final Progress progress = Progress.on(err, "published");
            final FileReport report;
            if (api != null) {
                final LedgerApiClient client = new LedgerApiClient(uri("--api", api), resolveToken(true), API_ATTEMPTS,
                        LedgerApiClient.Pause.sleeping());
                try (EventDelivery delivery = new ApiDelivery(client, json, inFlight, Duration.ofSeconds(verdictsWaitSeconds))) {
                    report = files.publish(file, chosen, delivery, options, progress);
                }
                progress.finish();
                return printPublished(out, report, "through the ledger at " + client.api());
            }
            final String servers = bootstrapServers == null ? DEFAULT_BOOTSTRAP : bootstrapServers;
            final LedgerApiClient verdicts = new LedgerApiClient(uri("--verdicts-url", verdictsUrl), resolveToken(false),
                    VERDICT_ATTEMPTS, LedgerApiClient.Pause.sleeping());
            final String topic = office == null ? Topics.EVENTS : Topics.inbox(office);
            try (LedgerPublisher publisher = new LedgerPublisher(KafkaConnection.of(servers, kafkaConfig), new Properties(), topic);
                 EventDelivery delivery = new KafkaDelivery(publisher, servers, verdicts, batchSize,
                         Duration.ofSeconds(verdictsWaitSeconds))) {
                report = files.publish(file, chosen, delivery, options, progress);
            }
            progress.finish();
            return printPublished(out, report, "to Kafka at " + servers + (office == null ? "" : " (" + topic + ")"));
        } catch (final NoSuchFileException e) {
            err.println("error: no such file: " + e.getFile());
            return USAGE;
        } catch (final IOException e) {
            err.println("error: " + file + ": " + e.getMessage());
            return USAGE;
        }
    }

    private void validate() {
        if (!Files.isRegularFile(file)) {
            throw usage("no such file: " + file);
        }
        if (batchSize < 1 || batchSize > LedgerApiClient.MAX_BATCH) {
            throw usage("--batch-size must be 1 to " + LedgerApiClient.MAX_BATCH + ", was " + batchSize);
        }
        if (inFlight < 1 || inFlight > MAX_IN_FLIGHT) {
            throw usage("--in-flight must be 1 to " + MAX_IN_FLIGHT + ", was " + inFlight);
        }
        if (verdictsWaitSeconds < 0) {
            throw usage("--verdicts-wait must not be negative, was " + verdictsWaitSeconds);
        }
        if (api != null && bootstrapServers != null) {
            throw usage("--api and --bootstrap-servers are two ways to publish: give one");
        }
        if (api != null && (office != null || kafkaConfig != null)) {
            throw usage("--office and --kafka-config publish to Kafka; --api publishes over HTTP: give one way");
        }
        if (office != null && !Reference.isDistrict(office)) {
            throw usage("--office: unknown district '" + office + "'");
        }
        if (token != null && tokenFile != null) {
            throw usage("--token and --token-file both give the token: give one");
        }
        if (rejectsFile != null && rejectsFile.toAbsolutePath().normalize().equals(file.toAbsolutePath().normalize())) {
            throw usage("--skip-invalid would overwrite the input file " + file);
        }
    }

    /**
     * --token, else --token-file, else LEDGER_TOKEN. The value is never printed, not even in a usage error.
     *
     * @param required whether publishing cannot go on without one
     */
    private String resolveToken(final boolean required) {
        if (token != null) {
            return nonBlank(token.strip(), "--token is empty");
        }
        if (tokenFile != null) {
            try {
                return nonBlank(Files.readString(tokenFile, StandardCharsets.UTF_8).strip(), "--token-file " + tokenFile + " is empty");
            } catch (final IOException e) {
                throw usage("cannot read --token-file " + tokenFile + ": " + e.getClass().getSimpleName());
            }
        }
        final String fromEnvironment = environment.apply("LEDGER_TOKEN");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment.strip();
        }
        if (required) {
            throw usage("--api publishes as an office and needs its token: --token-file FILE, the LEDGER_TOKEN"
                    + " environment variable, or --token");
        }
        return null;
    }

    private String nonBlank(final String value, final String complaint) {
        if (value.isEmpty()) {
            throw usage(complaint);
        }
        return value;
    }

    private URI uri(final String option, final String value) {
        try {
            final URI uri = new URI(value);
            final String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw usage(option + " must be an http:// or https:// URL, was " + value);
            }
            return uri;
        } catch (final URISyntaxException e) {
            throw usage(option + " must be an http:// or https:// URL, was " + value);
        }
    }

    private CommandLine.ParameterException usage(final String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    private static void printChecked(final PrintWriter out, final FileReport report) {
        if (report.isClean()) {
            out.printf(Locale.ROOT, "%s: %,d events in %,d lines, all valid; nothing published (--check)%n",
                    report.file(), report.events(), report.linesRead());
        } else {
            printErrors(out, report, "nothing published (--check)");
        }
        out.flush();
    }

    private static void printErrors(final PrintWriter out, final FileReport report, final String consequence) {
        final String what = report.unreadable() ? "cannot be read to its end" : String.format(Locale.ROOT,
                "%,d invalid %s", report.errors().size(), report.errors().size() == 1 ? "line" : "lines");
        out.printf(Locale.ROOT, "%s: %s, %s:%n", report.file(), what, consequence);
        report.errors().forEach(error -> out.println("  " + error));
    }

    private static int printPublished(final PrintWriter out, final FileReport report, final String how) {
        try {
            return describe(out, report, how);
        } finally {
            out.flush();
        }
    }

    private static int describe(final PrintWriter out, final FileReport report, final String how) {
        final DeliveryReport delivery = report.delivery();
        if (delivery == null) {
            printErrors(out, report, "nothing published (--skip-invalid FILE publishes the good lines)");
            return INVALID;
        }
        out.printf(Locale.ROOT, "%s: %,d events in %,d lines (%s); %,d sent %s, %,d acknowledged%n", report.file(),
                report.events(), report.linesRead(), report.format().name().toLowerCase(Locale.ROOT), report.sent(), how,
                delivery.accepted());
        if (!report.errors().isEmpty()) {
            out.printf(Locale.ROOT, "  %,d invalid %s not sent, written to %s:%n", report.errors().size(),
                    report.errors().size() == 1 ? "line" : "lines", report.rejectsFile());
            report.errors().stream().limit(LISTED_REJECTIONS).forEach(error -> out.println("    " + error));
            more(out, report.errors().size(), report.rejectsFile().toString());
        }
        out.printf(Locale.ROOT, "Verdicts: %,d new (counted), %,d corrections, %,d duplicates, %,d rejected, %,d pending%n",
                delivery.counted(), delivery.corrected(), delivery.duplicates(), delivery.rejected().size(), delivery.pending());
        if (delivery.duplicates() > 0) {
            out.printf(Locale.ROOT, "  %,d events were counted before (a re-run or a re-sent file): nothing was counted twice.%n",
                    delivery.duplicates());
        }
        if (!delivery.rejected().isEmpty()) {
            out.println("Rejected by the ledger (not counted):");
            delivery.rejected().stream().limit(LISTED_REJECTIONS).forEach(rejection -> out.println("  " + rejection));
            more(out, delivery.rejected().size(), null);
        }
        if (!delivery.refusedByLedger().isEmpty()) {
            out.printf(Locale.ROOT, "Refused by the ledger's own check though valid here (its clock or rules differ); not published%s:%n",
                    report.rejectsFile() == null ? "" : ", written to " + report.rejectsFile());
            delivery.refusedByLedger().forEach(error -> out.println("  " + error));
        }
        if (delivery.pending() > 0) {
            out.printf(Locale.ROOT, "  %,d events not judged yet when the publisher stopped asking (lines %s%s); the ledger"
                    + " is behind: re-run later and they show as duplicates once counted.%n", delivery.pending(),
                    delivery.pendingLines().stream().map(String::valueOf).collect(Collectors.joining(", ")),
                    delivery.pending() > delivery.pendingLines().size() ? ", ..." : "");
        }
        if (delivery.unknown() > 0) {
            out.printf(Locale.ROOT, "  Verdicts of %,d events are unknown: %s. They were published all the same;"
                    + " re-run when that ledger is up to see them (as duplicates).%n", delivery.unknown(), delivery.unknownReason());
        }
        final long notSent = Math.max(0, report.events() - report.errors().size() - report.sent());
        if (delivery.failure() != null) {
            out.println("Stopped: " + delivery.failure().message());
            if (notSent > 0 || delivery.accepted() < report.sent()) {
                out.println("  Events not acknowledged were not published; fix the cause and run the same command"
                        + " again: what went in already is reported as duplicates, not counted twice.");
            }
        }
        return exitCode(report, delivery);
    }

    private static void more(final PrintWriter out, final int count, final String where) {
        if (count > LISTED_REJECTIONS) {
            out.printf(Locale.ROOT, "    ... and %,d more%s%n", count - LISTED_REJECTIONS, where == null ? "" : " in " + where);
        }
    }

    private static int exitCode(final FileReport report, final DeliveryReport delivery) {
        if (delivery.failure() != null && delivery.failure().kind() != DeliveryReport.Failure.Kind.REFUSED) {
            return USAGE;
        }
        if (!report.errors().isEmpty() || !delivery.rejected().isEmpty() || !delivery.refusedByLedger().isEmpty()) {
            return INVALID;
        }
        return delivery.pending() > 0 || delivery.unknown() > 0 ? UNJUDGED : OK;
    }
}
