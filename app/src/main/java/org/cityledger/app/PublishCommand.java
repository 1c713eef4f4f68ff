package org.cityledger.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cityledger.producers.FilePublisher;
import org.cityledger.producers.FileReport;
import org.cityledger.producers.IngestJson;
import org.cityledger.producers.LedgerPublisher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Publishes a file of events in the JSON ingest format. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish events from a JSON-lines file (one event per line, see README).",
            "The whole file is checked first: if any line is invalid, every bad line is reported",
            "with its number and nothing is published. Re-publishing a file is safe: the ledger",
            "counts each event id once."})
final class PublishCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "JSON-lines file of events.")
    Path file;

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOST:PORT[,...]",
            description = "Kafka cluster to publish to (default: ${DEFAULT-VALUE}, the embedded broker of 'ledger run').")
    String bootstrapServers;

    @Option(names = "--check", description = "Only check the file; publish nothing.")
    boolean checkOnly;

    @Override
    public Integer call() throws Exception {
        final IngestJson json = new IngestJson();
        if (checkOnly) {
            return report(new FilePublisher(json, (events, progress) -> {
                throw new IllegalStateException("--check publishes nothing");
            }).check(file));
        }
        try (LedgerPublisher publisher = new LedgerPublisher(bootstrapServers)) {
            final FileReport report = new FilePublisher(json, publisher).publish(file,
                    (done, total) -> Progress.print("published", done, total));
            return report(report);
        }
    }

    private static int report(final FileReport report) {
        if (report.isClean()) {
            System.out.printf(Locale.ROOT, "%s: %d events in %d lines, %d published%n", report.file(), report.events(),
                    report.linesRead(), report.published());
            return 0;
        }
        System.err.printf(Locale.ROOT, "%s: %d invalid lines, nothing published:%n", report.file(), report.errors().size());
        report.errors().forEach(error -> System.err.println("  " + error));
        return 1;
    }
}
