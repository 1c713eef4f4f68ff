package org.cityledger.app;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Reference;
import org.cityledger.producers.DemoDataSet;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.producers.PublishResult;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import org.cityledger.streams.access.OfficeRegistry;
import picocli.CommandLine.Command;

/** 'run', then publish the conference data set and report when the totals are complete. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Run the ledger, publish the conference demo data set, then keep serving until Ctrl-C.",
            "The data set: the 150 projects of the Suzhou electronic-information cluster conference,",
            "its fiscal support and open-competition projects."})
final class DemoCommand extends RunCommand {

    /** Where the demo leaves its office tokens, so that the README's curl examples can read one. */
    static final Path TOKENS_FILE = Path.of(System.getProperty("java.io.tmpdir"), "city-ledger-demo-tokens.txt");

    private final Map<String, String> tokens = new LinkedHashMap<>();

    /** Without --offices, one token per district office, in a fresh offices file; shown once the ledger is up. */
    @Override
    void beforeStart(final NodeOptions nodeOptions) throws Exception {
        if (nodeOptions.offices != null) {
            return;
        }
        final Path offices = Files.createTempDirectory("ledger-demo-offices-").resolve("offices.txt");
        for (final Reference.Code district : Reference.DISTRICTS) {
            tokens.put(district.code(), OfficeRegistry.add(offices, district.code(), Clock.systemUTC()).token());
        }
        nodeOptions.offices = offices;
        final StringBuilder file = new StringBuilder("# The demo's office tokens: district, bearer token. Made at each 'ledger demo'.\n");
        tokens.forEach((district, token) -> file.append(district).append('\t').append(token).append('\n'));
        Files.deleteIfExists(TOKENS_FILE);
        Files.createFile(TOKENS_FILE, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(TOKENS_FILE, file, StandardCharsets.UTF_8);
    }

    @Override
    void afterStart(final LedgerRuntime runtime) throws Exception {
        if (!tokens.isEmpty()) {
            System.out.println("District offices may publish over HTTP with these tokens (also in " + TOKENS_FILE + "):");
            tokens.forEach((district, token) -> System.out.printf(Locale.ROOT, "  %-13s %s%n", district, token));
            System.out.printf(Locale.ROOT, "  e.g. TOKEN=$(awk '$1==\"kunshan\"{print $2}' %s)%n%n", TOKENS_FILE);
        }
        final List<LedgerEvent> events = DemoDataSet.events();
        System.out.printf(Locale.ROOT, "Publishing the conference data set: %d events%n", events.size());
        final long started = System.nanoTime();
        final long published;
        if (runtime.security() == null) {
            try (LedgerPublisher publisher = new LedgerPublisher(runtime.kafka(), new Properties())) {
                published = publisher.publishAll(events, (done, total) -> Progress.print("published", done, total)).published();
            }
        } else {
            published = publishThroughInboxes(runtime, events);
        }
        awaitCounted(runtime.httpClient(), runtime.apiUrl(), published, Duration.ofSeconds(60));
        System.out.printf(Locale.ROOT, "All %d demo events counted %d ms after publishing began.%n", published,
                Duration.ofNanos(System.nanoTime() - started).toMillis());
        System.out.println(fetch(runtime.httpClient(), runtime.apiUrl() + "/api/totals/summary"));
    }

    /**
     * On a secured broker each district office publishes its own events, as itself, into its inbox:
     * the only topic its principal may write. The ledger moves them into the events topic.
     */
    static long publishThroughInboxes(final LedgerRuntime runtime, final List<LedgerEvent> events) {
        final Map<String, List<LedgerEvent>> byDistrict = new TreeMap<>();
        for (final LedgerEvent event : events) {
            byDistrict.computeIfAbsent(event.district(), d -> new ArrayList<>()).add(event);
        }
        long published = 0;
        for (final Map.Entry<String, List<LedgerEvent>> district : byDistrict.entrySet()) {
            final KafkaConnection office = new KafkaConnection(runtime.bootstrapServers(),
                    runtime.security().clientSettings(district.getKey()));
            try (LedgerPublisher publisher = new LedgerPublisher(office, new Properties(), Topics.inbox(district.getKey()))) {
                final PublishResult result = publisher.publishAll(district.getValue(), (done, total) -> { });
                published += result.published();
            }
            System.out.printf(Locale.ROOT, "  office %-13s published %3d events into %s%n", district.getKey(),
                    district.getValue().size(), Topics.inbox(district.getKey()));
        }
        return published;
    }

    /** Waits until the ledger at apiUrl counts exactly the expected number of events (client: one that trusts its TLS). */
    static void awaitCounted(final HttpClient client, final String apiUrl, final long expected, final Duration timeout)
            throws Exception {
        final String marker = "\"events\":" + expected;
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!fetchOrEmpty(client, apiUrl + "/api/totals/summary").contains(marker)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the ledger did not count all " + expected + " demo events within "
                        + timeout.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }

    /** The body, or "" while the ledger cannot be reached (it may still be starting or rebalancing). */
    private static String fetchOrEmpty(final HttpClient client, final String url) throws InterruptedException {
        try {
            return fetch(client, url);
        } catch (final IOException e) {
            return "";
        }
    }

    private static String fetch(final HttpClient client, final String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }
}
