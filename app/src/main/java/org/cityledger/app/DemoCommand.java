package org.cityledger.app;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.PublishResult;
import picocli.CommandLine.Command;

/** 'run', then publish the conference data set and report when the totals are complete. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the ledger and publish the conference demo data set (the 150 projects of the",
            "Suzhou electronic-information cluster conference, its fiscal support and open-competition",
            "projects), then keep serving until Ctrl-C."})
final class DemoCommand extends RunCommand {

    @Override
    void afterStart(final LedgerRuntime runtime) throws Exception {
        final List<LedgerEvent> events = DemoDataSet.events();
        System.out.printf(Locale.ROOT, "Publishing the conference data set: %d events%n", events.size());
        final long started = System.nanoTime();
        final PublishResult result;
        try (LedgerPublisher publisher = new LedgerPublisher(runtime.bootstrapServers())) {
            result = publisher.publishAll(events, (done, total) -> Progress.print("published", done, total));
        }
        awaitCounted(runtime, result.published());
        System.out.printf(Locale.ROOT, "All %d demo events counted %d ms after publishing began.%n", result.published(),
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        System.out.println(fetch(runtime.apiUrl() + "/api/totals/summary"));
    }

    private static void awaitCounted(final LedgerRuntime runtime, final long expected) throws Exception {
        final String marker = "\"events\":" + expected;
        final long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!fetch(runtime.apiUrl() + "/api/totals/summary").contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ledger did not count all " + expected + " demo events within 60 s");
            }
            Thread.sleep(50);
        }
    }

    private static String fetch(final String url) throws Exception {
        final HttpClient client = HttpClient.newHttpClient();
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
