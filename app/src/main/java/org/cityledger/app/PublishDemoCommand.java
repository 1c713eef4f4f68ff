package org.cityledger.app;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.ProgressListener;
import org.cityledger.producers.PublishResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Publishes the conference data set to a running cluster: what 'demo' publishes, without starting a node. */
@Command(name = "publish-demo", mixinStandardHelpOptions = true,
        description = {"Publish the conference demo data set straight to Kafka (a cluster that ledger nodes run on),",
            "and with --await wait until a ledger node counts it. Re-running it is harmless: each event id",
            "counts once."})
final class PublishDemoCommand implements Callable<Integer> {

    @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092", paramLabel = "HOST:PORT[,...]",
            description = "The Kafka cluster (default: ${DEFAULT-VALUE}).")
    String bootstrapServers;

    @Option(names = "--await", paramLabel = "URL",
            description = "Then wait until the ledger at URL (e.g. http://ledger-1:8080) counts exactly the demo's events.")
    String awaitUrl;

    @Option(names = "--await-timeout", defaultValue = "PT2M", paramLabel = "DURATION",
            description = "How long --await waits, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration awaitTimeout;

    @Override
    public Integer call() throws Exception {
        final List<LedgerEvent> events = DemoDataSet.events();
        final PublishResult result;
        try (LedgerPublisher publisher = new LedgerPublisher(bootstrapServers)) {
            result = publisher.publishAll(events, ProgressListener.none());
        }
        System.out.printf(Locale.ROOT, "Published the conference data set to Kafka at %s: %d events acknowledged%n",
                bootstrapServers, result.published());
        if (awaitUrl != null) {
            DemoCommand.awaitCounted(HttpClient.newHttpClient(), awaitUrl, events.size(), awaitTimeout);
            System.out.printf(Locale.ROOT, "The ledger at %s counts all %d demo events.%n", awaitUrl, events.size());
        }
        return 0;
    }
}
