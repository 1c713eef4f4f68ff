package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/**
 * The audit stage's load: closed loop like {@link QueryLoad}, but each question is a short session an
 * auditor would have: a first page, drawn at random, then up to {@code pages - 1} more pages
 * following the answer's {@value #NEXT_CURSOR} header, each page timed on its own. A {@code 303}
 * (an {@code ?explain=true} total, sent on to its page of events) is followed at once and timed with
 * the page it leads to: one explain page is what the auditor waits for.
 */
final class AuditLoad {

    static final String NEXT_CURSOR = "X-Next-Cursor";
    private static final String LOCATION = "Location";
    private static final long HIGHEST_MICROS = TimeUnit.SECONDS.toMicros(60);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /**
     * @param pages      answered with 200 in the measured window (followed redirects included in their page)
     * @param errors     failed or unexpected answers in the window
     * @param followed   pages reached by a cursor (the others are first pages)
     * @param emptyPages 200 pages without a single event (a narrow slice in a short time range)
     */
    record Result(long pages, long errors, long followed, long emptyPages, String firstError, double seconds,
                  Histogram histogram, QueryLoad.Cpu cpu) {

        double pagesPerSecond() {
            return pages / seconds;
        }

        double millis(final double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return histogram.getMaxValue() / 1000.0;
        }

        double ledgerCpuMicrosPerPage() {
            return cpu.ledgerNanos() / 1e3 / Math.max(1, pages + errors);
        }
    }

    private AuditLoad() {
    }

    /** The path of the page after {@code path}: its {@code cursor} parameter replaced by {@code cursor}. */
    static String withCursor(final String path, final String cursor) {
        final int at = path.indexOf("cursor=");
        final String base;
        if (at < 0) {
            base = path + (path.indexOf('?') < 0 ? "?" : "&");
        } else {
            final int end = path.indexOf('&', at);
            base = path.substring(0, at) + (end < 0 ? "" : path.substring(end + 1) + "&");
        }
        return base + "cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
    }

    // a client closes its connection after a failed request on purpose: the next request opens a fresh one
    @SuppressWarnings("try")
    static Result run(final int port, final int clients, final long seed, final Function<SplittableRandom, String> first,
                      final int pages, final Duration warmUp, final Duration measured) {
        final long start = System.nanoTime();
        final long measureFrom = start + warmUp.toNanos();
        final long end = measureFrom + measured.toNanos();
        final List<Histogram> histograms = new ArrayList<>();
        final AtomicLong errors = new AtomicLong();
        final AtomicLong followed = new AtomicLong();
        final AtomicLong empty = new AtomicLong();
        final AtomicReference<String> firstError = new AtomicReference<>();
        final AtomicLong clientCpuNanos = new AtomicLong();
        final AtomicLong lastAnswer = new AtomicLong(end);
        final List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
            histograms.add(histogram);
            final SplittableRandom random = new SplittableRandom(seed * 31 + c);
            final Thread thread = new Thread(() -> {
                long cpuFrom = -1;
                final long[] clientErrors = {0};
                try (LoadClient http = new LoadClient(port, REQUEST_TIMEOUT, NEXT_CURSOR, LOCATION)) {
                    while (true) {
                        String path = first.apply(random);
                        for (int page = 0; page < pages && path != null; page++) {
                            final long sent = System.nanoTime();
                            // every client gets one page into the window, however long a warm-up page took
                            if (sent >= end && histogram.getTotalCount() + clientErrors[0] > 0) {
                                if (cpuFrom >= 0) {
                                    clientCpuNanos.addAndGet(THREADS.getCurrentThreadCpuTime() - cpuFrom);
                                }
                                return;
                            }
                            if (cpuFrom < 0 && sent >= measureFrom) {
                                cpuFrom = THREADS.getCurrentThreadCpuTime();
                            }
                            LoadClient.Answer answer;
                            String asked = path;
                            try {
                                answer = http.get(path);
                                if (answer.status() == 303 && !answer.header(1).isEmpty()) {
                                    asked = answer.header(1);
                                    answer = http.get(asked);
                                }
                            } catch (final IOException | RuntimeException e) {
                                http.close();
                                if (sent >= measureFrom) {
                                    errors.incrementAndGet();
                                    clientErrors[0]++;
                                    firstError.compareAndSet(null, path + ": " + e);
                                }
                                break;
                            }
                            final long answered = System.nanoTime();
                            lastAnswer.accumulateAndGet(answered, Math::max);
                            if (answer.status() != 200) {
                                if (sent >= measureFrom) {
                                    errors.incrementAndGet();
                                    clientErrors[0]++;
                                    firstError.compareAndSet(null, asked + ": HTTP " + answer.status() + " "
                                            + new String(answer.body(), 0, Math.min(200, answer.body().length),
                                            StandardCharsets.UTF_8));
                                }
                                break;
                            }
                            if (sent >= measureFrom) {
                                histogram.recordValue(Math.min(HIGHEST_MICROS, (answered - sent) / 1000));
                                if (page > 0) {
                                    followed.incrementAndGet();
                                }
                                if (answer.body().length < 40 && new String(answer.body(), StandardCharsets.UTF_8)
                                        .contains("\"events\":[]")) {
                                    empty.incrementAndGet();
                                }
                            }
                            path = answer.header(0).isEmpty() ? null : withCursor(asked, answer.header(0));
                        }
                    }
                }
            }, "bench-auditor-" + c);
            threads.add(thread);
            thread.start();
        }
        final CpuWindow window = CpuWindow.openAt(measureFrom);
        CpuWindow.join(threads, "audit load");
        final QueryLoad.Cpu cpu = window.close(clientCpuNanos.get());
        final Histogram all = new Histogram(HIGHEST_MICROS, 3);
        histograms.forEach(all::add);
        return new Result(all.getTotalCount(), errors.get(), followed.get(), empty.get(), firstError.get(),
                (Math.max(end, lastAnswer.get()) - measureFrom) / 1e9, all, cpu);
    }
}
