package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.IngestJson;
import org.cityledger.streams.LedgerNode;

/**
 * Stage 11, HTTP ingest by the district offices (issue 10): {@value #CLIENTS} concurrent clients, each
 * the office of one district with its own token and events of its district only, POSTing to
 * {@code /api/events} closed loop, in batches of 100 and of 1 event, each with and without
 * {@code ?wait=PT5S} (the answer waits for the ledger's verdicts). Per case: accepted events/s, p50/p99
 * per request, and CPU per event. Afterwards the ledger's summary must equal the oracle, which
 * learns exactly the events the API accepted.
 */
final class IngestStage {

    static final int CLIENTS = 8;
    private static final String PATH = "/api/events";
    private static final String WAIT = "?wait=PT5S";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final byte[] COUNTED = "\"verdict\":\"counted\"".getBytes(StandardCharsets.US_ASCII);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * One way of sending.
     *
     * @param key       JSON key
     * @param batchSize events per request
     * @param waits     whether the request asks to wait for the verdicts
     */
    record Case(String key, int batchSize, boolean waits) {

        String label() {
            return String.format(Locale.ROOT, "batches of %d%s", batchSize, waits ? ", ?wait=PT5S" : "");
        }

        String path() {
            return waits ? PATH + WAIT : PATH;
        }

        /** The answer a request of this case must get when all went well: 200 when verdicts came, 202 when not asked. */
        boolean accepted(final int status) {
            return waits ? status == 200 || status == 202 : status == 202;
        }
    }

    static final List<Case> CASES = List.of(new Case("batch100", 100, false), new Case("batch100Wait", 100, true),
            new Case("batch1", 1, false), new Case("batch1Wait", 1, true));

    /** The events of one client, as request bodies drawn before the clock starts. */
    private record Pool(String district, String token, List<LedgerEvent> events, List<byte[]> bodies, int batchSize) {
    }

    /** What one client did in the measured window, and which of its requests were accepted at all. */
    private static final class ClientResult {
        private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        private final BitSet accepted = new BitSet();
        private long measuredEvents;
        private long errors;
        private long waitPending;
        private long countedVerdicts;
        private long cpuNanos;
        private long lastAnswer;
        private String firstError;
    }

    private final BenchRun run;
    private final IngestJson json = new IngestJson(Clock.systemUTC());

    IngestStage(final BenchRun run) {
        this.run = run;
    }

    void run() {
        final LedgerNode node = run.ensureNode(Stage.INGEST);
        final BenchSettings.Offices sizes = run.settings().offices();
        final List<String> districts = run.catalog().districtsBySize().subList(0, Math.min(CLIENTS,
                run.catalog().districtsBySize().size()));
        final Report.Section section = run.report().section(Stage.INGEST);
        final Map<String, Object> cases = new LinkedHashMap<>();
        long acceptedEvents = 0;
        for (final Case ingestCase : CASES) {
            final List<Pool> pools = pools(ingestCase, districts, sizes.ingestEvents());
            run.note(Stage.INGEST, "%s: %d offices (%s), up to %,d events, %.1f s warm-up + %d s", ingestCase.label(),
                    pools.size(), String.join(", ", districts), sizes.ingestEvents(), sizes.ingestWarmUpSeconds(),
                    sizes.ingestSeconds());
            final Map<String, Object> figures = measure(node, ingestCase, pools, sizes);
            acceptedEvents += (Long) figures.get("acceptedEvents");
            cases.put(ingestCase.key(), figures);
            section.row(ingestCase.label(), String.format(Locale.ROOT,
                    "%s (%s)  p50 %s  p99 %s  max %s per request; CPU %.0f µs ledger, %.1f µs clients per event%s",
                    Fmt.rate((Double) figures.get("eventsPerSecond"), "events"),
                    Fmt.rate((Double) figures.get("requestsPerSecond"), "requests"),
                    Fmt.millis((Double) figures.get("p50Millis")), Fmt.millis((Double) figures.get("p99Millis")),
                    Fmt.millis((Double) figures.get("maxMillis")), figures.get("ledgerCpuMicrosPerEvent"),
                    figures.get("clientCpuMicrosPerEvent"),
                    (Long) figures.get("errors") > 0 ? "  (" + Fmt.count((Long) figures.get("errors")) + " errors)" : ""));
            if ((Long) figures.get("errors") > 0) {
                run.report().problem(String.format(Locale.ROOT, "ingest %s: %d failed requests; first: %s", ingestCase.key(),
                        figures.get("errors"), figures.get("firstError")));
            }
        }
        final String check = run.checkTotals(Stage.INGEST);
        section.figure("acceptedEvents", acceptedEvents, "events accepted (all cases, warm-ups included)",
                        Fmt.count(acceptedEvents))
                .figure("check", check, "check (totals = oracle incl. every accepted event)", check)
                .detail("cases", cases)
                .detail("clients", CLIENTS)
                .detail("offices", districts)
                .detail("method", "closed loop; each client one kept-alive HTTP/1.1 connection (the bench's LoadClient) "
                        + "with the bearer token of its district's office, POSTing events of that district only, bodies "
                        + "drawn and serialized before the clock starts; latency per request from send to full answer; "
                        + "events/s counts the accepted events of the measured window (after the warm-up) over its "
                        + "length. A case ends after its seconds or when its pool is used up. CPU per event: the JVM's "
                        + "CPU from the end of the warm-up until the ledger had committed every record sent, less the "
                        + "clients' and the JIT compilers', over the events accepted in the window (the broker, the "
                        + "ledger's HTTP server, producer and stream threads share the JVM)");
    }

    private List<Pool> pools(final Case ingestCase, final List<String> districts, final int maxEvents) {
        final List<Pool> pools = new ArrayList<>();
        final int perClient = Math.max(1, maxEvents / districts.size());
        for (final String district : districts) {
            final OfficeEvents source = new OfficeEvents(run.codec(), run.catalog(), run.settings().seed(),
                    "ingest-" + ingestCase.key() + "-" + district + "-" + run.runId(), district);
            final List<LedgerEvent> events = new ArrayList<>(perClient);
            final List<byte[]> bodies = new ArrayList<>(perClient / ingestCase.batchSize() + 1);
            List<String> batch = new ArrayList<>(ingestCase.batchSize());
            for (int i = 0; i < perClient; i++) {
                final LedgerEvent event = source.next();
                events.add(event);
                batch.add(OfficeEvents.json(json, event));
                if (batch.size() == ingestCase.batchSize()) {
                    bodies.add(OfficeEvents.body(batch));
                    batch = new ArrayList<>(ingestCase.batchSize());
                }
            }
            if (!batch.isEmpty()) {
                bodies.add(OfficeEvents.body(batch));
            }
            pools.add(new Pool(district, run.officeToken(district), events, bodies, ingestCase.batchSize()));
        }
        return pools;
    }

    // a client closes its connection after a failed request on purpose: the next request opens a fresh one
    @SuppressWarnings("try")
    private Map<String, Object> measure(final LedgerNode node, final Case ingestCase, final List<Pool> pools,
                                        final BenchSettings.Offices sizes) {
        final long start = System.nanoTime();
        final long measureFrom = start + (long) (sizes.ingestWarmUpSeconds() * 1e9);
        final long end = measureFrom + TimeUnit.SECONDS.toNanos(sizes.ingestSeconds());
        final List<ClientResult> results = new ArrayList<>();
        final List<Thread> threads = new ArrayList<>();
        final AtomicReference<Throwable> crashed = new AtomicReference<>();
        for (int c = 0; c < pools.size(); c++) {
            final Pool pool = pools.get(c);
            final ClientResult result = new ClientResult();
            results.add(result);
            final Thread thread = new Thread(() -> {
                long cpuFrom = -1;
                try (LoadClient http = new LoadClient(node.httpPort(), REQUEST_TIMEOUT)) {
                    for (int b = 0; b < pool.bodies().size(); b++) {
                        final long sent = System.nanoTime();
                        // every client gets one request into the window, however long a warm-up request took
                        if (sent >= end && result.histogram.getTotalCount() + result.errors > 0) {
                            break;
                        }
                        if (cpuFrom < 0 && sent >= measureFrom) {
                            cpuFrom = THREADS.getCurrentThreadCpuTime();
                        }
                        final int events = Math.min(pool.batchSize(), pool.events().size() - b * pool.batchSize());
                        LoadClient.Answer answer = null;
                        String failure = null;
                        try {
                            answer = http.postJson(ingestCase.path(), pool.token(), pool.bodies().get(b));
                            if (!ingestCase.accepted(answer.status())) {
                                failure = "HTTP " + answer.status() + " " + text(answer.body());
                            }
                        } catch (final IOException | RuntimeException e) {
                            http.close();
                            failure = e.toString();
                        }
                        final long answered = System.nanoTime();
                        result.lastAnswer = answered;
                        if (failure == null) {
                            result.accepted.set(b);
                        }
                        if (sent < measureFrom) {
                            continue;
                        }
                        if (failure != null) {
                            result.errors++;
                            if (result.firstError == null) {
                                result.firstError = pool.district() + ": " + failure;
                            }
                            continue;
                        }
                        result.histogram.recordValue(Math.min(HIGHEST_MICROS, (answered - sent) / 1000));
                        result.measuredEvents += events;
                        if (ingestCase.waits()) {
                            result.countedVerdicts += occurrences(answer.body(), COUNTED);
                            if (answer.status() == 202) {
                                result.waitPending++;
                            }
                        }
                    }
                } catch (final RuntimeException e) {
                    crashed.compareAndSet(null, e);
                } finally {
                    if (cpuFrom >= 0) {
                        result.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuFrom;
                    }
                }
            }, "bench-office-" + pool.district());
            threads.add(thread);
            thread.start();
        }
        final CpuWindow window = CpuWindow.openAt(measureFrom);
        CpuWindow.join(threads, "ingest load");
        if (crashed.get() != null) {
            throw new IllegalStateException("an office client failed: " + crashed.get(), crashed.get());
        }
        final long lastAnswer = results.stream().mapToLong(r -> r.lastAnswer).max().orElse(measureFrom);
        // the ledger's work on what was sent is part of ingesting it: count the CPU until it is committed
        run.awaitNodeCaughtUp(Stage.INGEST);

        final Histogram all = new Histogram(HIGHEST_MICROS, 3);
        long measuredEvents = 0;
        long errors = 0;
        long waitPending = 0;
        long counted = 0;
        long clientCpu = 0;
        long acceptedEvents = 0;
        String firstError = null;
        for (int c = 0; c < results.size(); c++) {
            final ClientResult result = results.get(c);
            final Pool pool = pools.get(c);
            all.add(result.histogram);
            measuredEvents += result.measuredEvents;
            errors += result.errors;
            waitPending += result.waitPending;
            counted += result.countedVerdicts;
            clientCpu += result.cpuNanos;
            if (firstError == null) {
                firstError = result.firstError;
            }
            // the oracle learns exactly the accepted events; a failed request's events are not known to be in
            final Oracle accepted = new Oracle();
            for (int b = result.accepted.nextSetBit(0); b >= 0; b = result.accepted.nextSetBit(b + 1)) {
                for (int i = b * pool.batchSize(); i < Math.min(pool.events().size(), (b + 1) * pool.batchSize()); i++) {
                    accepted.record(GeneratedEvent.Category.NEW);
                    accepted.count(pool.events().get(i), 1);
                    acceptedEvents++;
                }
            }
            run.oracle().merge(accepted);
        }
        final QueryLoad.Cpu cpu = window.close(clientCpu);
        // the window closes with the last answer: the events counted are those answered in it
        final double seconds = Math.max(1e-9, (Math.max(lastAnswer, measureFrom) - measureFrom) / 1e9);
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("batchSize", ingestCase.batchSize());
        json.put("wait", ingestCase.waits() ? "PT5S" : null);
        json.put("clients", pools.size());
        json.put("seconds", Fmt.round(seconds));
        json.put("requests", all.getTotalCount());
        json.put("events", measuredEvents);
        json.put("eventsPerSecond", Fmt.round(measuredEvents / seconds));
        json.put("requestsPerSecond", Fmt.round(all.getTotalCount() / seconds));
        json.put("p50Millis", Fmt.round(all.getValueAtPercentile(50) / 1000.0));
        json.put("p99Millis", Fmt.round(all.getValueAtPercentile(99) / 1000.0));
        json.put("maxMillis", Fmt.round(all.getMaxValue() / 1000.0));
        json.put("errors", errors);
        json.put("firstError", firstError);
        json.put("acceptedEvents", acceptedEvents);
        json.put("poolExhausted", results.stream().allMatch(r -> r.lastAnswer < end));
        if (ingestCase.waits()) {
            json.put("countedVerdicts", counted);
            json.put("answersStillPending", waitPending);
        }
        json.put("ledgerCpuMicrosPerEvent", Fmt.round(cpu.ledgerNanos() / 1e3 / Math.max(1, measuredEvents)));
        json.put("clientCpuMicrosPerEvent", Fmt.round(clientCpu / 1e3 / Math.max(1, measuredEvents)));
        json.put("processCpuSeconds", Fmt.round(cpu.processNanos() / 1e9));
        json.put("jitCpuSeconds", Fmt.round(cpu.jitNanos() / 1e9));
        return json;
    }

    /** How often {@code needle} occurs in {@code haystack}: the verdicts of an answer, without parsing its JSON. */
    static long occurrences(final byte[] haystack, final byte[] needle) {
        long count = 0;
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            count++;
            i += needle.length - 1;
        }
        return count;
    }

    private static String text(final byte[] body) {
        final String text = new String(body, StandardCharsets.UTF_8);
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}
