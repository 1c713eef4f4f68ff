package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Query latency under concurrent clients: each client a thread with its own connection ({@link LoadClient}), asking
 * one kind of question again and again for a fixed time (closed loop: a client asks again once
 * answered). A case may vary its question over many keys, each client going round them from its
 * own starting point, so that a key lookup reads the store rather than one hot entry.
 *
 * <p>Also what a request costs in CPU: the JVM's CPU time over the measured window less the client
 * threads' and the JIT compiler threads' own, per request sent in it. The ledger instances run in
 * this JVM, so that is the ledger's cost per request (its HTTP server, the lookup, its peer client
 * and the peers' servers for a forwarded or fanned-out one, GC), plus the little the idle broker and
 * stream threads spend meanwhile. The JIT's share is given apart: it works off the whole JVM's
 * backlog at its own pace, and would make a cheaper path look dearer or the other way round.
 */
final class QueryLoad {

    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** The ledger's response header naming the instances that answered. */
    static final String INSTANCE_HEADER = "X-Ledger-Instance";
    private static final int ERROR_BODY_CHARS = 200;

    /**
     * One kind of question.
     *
     * @param key              JSON key
     * @param label            for the table
     * @param port             HTTP port of the instance asked
     * @param pattern          the path with its variable parts named, for the report
     * @param paths            the paths asked (the pattern filled in), at least one
     * @param expectedInstance what {@value #INSTANCE_HEADER} must say: an answer from elsewhere would
     *                         be measuring another case (the key moved, the fan-out missed an instance)
     */
    record QueryCase(String key, String label, int port, String pattern, List<String> paths, String expectedInstance) {

        QueryCase {
            if (paths.isEmpty()) {
                throw new IllegalArgumentException(key + ": no path to ask");
            }
            paths = List.copyOf(paths);
        }
    }

    /**
     * @param queries       answered with 200 by the expected instance in the measured period
     * @param errors        failed or non-200 answers in the measured period
     * @param otherInstance 200 answers that came from another instance than expected (not in the histogram)
     * @param firstError    what the first error or misrouted answer was; null when there was none
     * @param histogram     latencies of the counted answers, microseconds
     * @param cpu           CPU time spent in the measured period
     */
    record Result(QueryCase queryCase, int clients, long queries, long errors, long otherInstance, String firstError,
                  double seconds, Histogram histogram, Cpu cpu) {

        double queriesPerSecond() {
            return queries / seconds;
        }

        /** Every request sent in the measured period, answered well or not: what the CPU was spent on. */
        long requests() {
            return queries + errors + otherInstance;
        }

        /** CPU of the JVM less the load clients and the JIT compilers, per request: the ledger's cost of answering. */
        double ledgerCpuMicrosPerRequest() {
            return cpu.ledgerNanos() / 1e3 / Math.max(1, requests());
        }

        /** CPU of the load clients per request: what the load generator takes from the shared cores. */
        double clientCpuMicrosPerRequest() {
            return cpu.clientNanos() / 1e3 / Math.max(1, requests());
        }

        double millis(final double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return histogram.getMaxValue() / 1000.0;
        }
    }

    /**
     * CPU time in the measured period.
     *
     * @param processNanos the whole JVM's
     * @param clientNanos  the load clients' threads' together
     * @param jitNanos     the JIT compiler threads', part of the process's; 0 where it cannot be read
     */
    record Cpu(long processNanos, long clientNanos, long jitNanos) {

        long ledgerNanos() {
            return processNanos - clientNanos - jitNanos;
        }
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private QueryLoad() {
    }

    // a client closes its connection after a failed request on purpose: the next get() opens a fresh one
    @SuppressWarnings("try")
    static Result run(final QueryCase queryCase, final int clients, final Duration warmUp, final Duration measured) {
        final List<String> requests = queryCase.paths();
        final long start = System.nanoTime();
        final long measureFrom = start + warmUp.toNanos();
        final long end = measureFrom + measured.toNanos();
        final List<Histogram> histograms = new ArrayList<>();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong otherInstance = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicLong clientCpuNanos = new AtomicLong();
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
            histograms.add(histogram);
            // spread evenly over the keys, so the clients do not ask the same one in step
            final int first = (int) ((long) c * requests.size() / clients);
            final Thread thread = new Thread(() -> {
                long cpuFrom = -1;
                try (LoadClient http = new LoadClient(queryCase.port(), INSTANCE_HEADER, REQUEST_TIMEOUT)) {
                    int next = first;
                    while (true) {
                        final String path = requests.get(next);
                        next = next + 1 == requests.size() ? 0 : next + 1;
                        final long sent = System.nanoTime();
                        if (sent >= end) {
                            if (cpuFrom >= 0) {
                                clientCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuFrom);
                            }
                            return;
                        }
                        if (cpuFrom < 0 && sent >= measureFrom) {
                            cpuFrom = THREADS.getCurrentThreadCpuTime();
                        }
                        final LoadClient.Answer response;
                        try {
                            response = http.get(path);
                        } catch (final IOException | RuntimeException e) {
                            http.close();
                            if (sent >= measureFrom) {
                                errors.incrementAndGet();
                                firstError.compareAndSet(null, path + ": " + e);
                            }
                            continue;
                        }
                        final long answered = System.nanoTime();
                        if (sent < measureFrom) {
                            continue;
                        }
                        if (response.status() != 200) {
                            errors.incrementAndGet();
                            firstError.compareAndSet(null, path + ": " + describe(response));
                            continue;
                        }
                        if (!response.header().equals(queryCase.expectedInstance())) {
                            otherInstance.incrementAndGet();
                            firstError.compareAndSet(null, path + ": answered by '" + response.header()
                                    + "', expected '" + queryCase.expectedInstance() + "'");
                            continue;
                        }
                        histogram.recordValue(Math.min(HIGHEST_MICROS, (answered - sent) / 1000));
                    }
                }
            }, "bench-query-client-" + c);
            threads.add(thread);
            thread.start();
        }
        final CpuWindow window = CpuWindow.openAt(measureFrom);
        CpuWindow.join(threads, "query load");
        final Cpu cpu = window.close(clientCpuNanos.get());
        final Histogram all = new Histogram(HIGHEST_MICROS, 3);
        histograms.forEach(all::add);
        return new Result(queryCase, clients, all.getTotalCount(), errors.get(), otherInstance.get(), firstError.get(),
                measured.toNanos() / 1e9, all, cpu);
    }

    private static String describe(final LoadClient.Answer response) {
        final String body = new String(response.body(), StandardCharsets.UTF_8);
        return "HTTP " + response.status() + " "
                + (body.length() > ERROR_BODY_CHARS ? body.substring(0, ERROR_BODY_CHARS) + "..." : body);
    }
}
