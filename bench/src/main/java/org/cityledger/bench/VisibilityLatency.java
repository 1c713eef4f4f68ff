package org.cityledger.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.schema.Topics;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.schema.KafkaConnection;

/**
 * Produce → visible-in-query latency at a fixed offered rate. Records go out on a fixed schedule
 * through a producer configured as the ledger's publisher is; a poller reads the city-wide event
 * count from the running ledger and, when the count reaches the k-th counting record, records
 * for every counting record up to k the time from its <em>scheduled</em> send to now. Scheduled,
 * not actual: if the producer falls behind, the delay is part of the latency (no coordinated
 * omission). Records that do not raise the count (duplicates, corrections, invalid ones) are sent
 * as load but not timed.
 *
 * <p>A rate the ledger cannot sustain builds a backlog: the poller then waits for the backlog to
 * drain (as long as the count keeps rising), so the figures show what a client would have seen,
 * and the result says the rate was above what the ledger kept up with.
 */
final class VisibilityLatency {

    /** Latencies above this are recorded as this (the histogram's range). */
    private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(30);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** The poller gives up when the count has not moved for this long. */
    private static final Duration STALL = Duration.ofSeconds(120);

    /**
     * @param rate           offered records per second
     * @param sent           records sent
     * @param sentPerSecond  the rate the sender achieved
     * @param visiblePerSecond records sent over the time from the first send until the last counting
     *                       record was visible: below the offered rate when the ledger fell behind
     * @param windowSeconds  from the first send to the last
     * @param drainSeconds   from the last send until the last counting record was visible
     * @param growthSeconds  median latency of the last tenth of the records minus that of the first tenth
     * @param timed          counting records whose visibility was timed
     * @param unseen         counting records never seen (the count stopped rising)
     * @param histogram      latencies in microseconds
     * @param reads          summary reads the poller made
     * @param meanReadMillis what one read cost the poller: its share of the cores the ledger also needs
     */
    record Result(int rate, long sent, double sentPerSecond, double visiblePerSecond, double windowSeconds,
                  double drainSeconds, double growthSeconds, long timed, long unseen, Histogram histogram, long reads,
                  double meanReadMillis) {

        double millis(final double percentile) {
            return histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return histogram.getMaxValue() / 1000.0;
        }

        /**
         * A backlog grew during the window: the last tenth of the records waited clearly longer than
         * the first tenth. A ledger that keeps up shows the same latency all along, whatever it is.
         */
        boolean saturated() {
            return growthSeconds > Math.max(0.5, 0.1 * windowSeconds);
        }
    }

    private VisibilityLatency() {
    }

    static Result run(final KafkaConnection kafka, final EventCount totals, final EncodedEvents data, final int rate,
                      final PrintStream out) {
        final Poller poller = new Poller(totals, countingIndexes(data), 1e9 / rate);
        final Properties config = LedgerPublisher.producerConfig(kafka.bootstrapServers(), kafka.clientProperties());
        final long start;
        final long lastSend;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(config, new StringSerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor(Topics.EVENTS);
            final AtomicLong failures = new AtomicLong();
            final Callback callback = (metadata, exception) -> {
                if (exception != null) {
                    failures.incrementAndGet();
                }
            };
            // the poller reads the base count and is running before the first record is due
            start = poller.start();
            final double intervalNanos = 1e9 / rate;
            final int size = data.size();
            int sent = 0;
            while (sent < size) {
                final long now = System.nanoTime();
                final long due = now < start ? 0 : Math.min(size, (long) ((now - start) / intervalNanos) + 1);
                while (sent < due) {
                    producer.send(new ProducerRecord<>(Topics.EVENTS, data.key(sent), data.value(sent)), callback);
                    sent++;
                }
                if (sent < size) {
                    final long next = start + (long) (sent * intervalNanos);
                    LockSupport.parkNanos(Math.max(0, Math.min(next - System.nanoTime(), POLL_NANOS)));
                }
            }
            lastSend = System.nanoTime();
            producer.flush();
            if (failures.get() > 0) {
                throw new IllegalStateException(failures.get() + " sends failed at " + rate + " records/s");
            }
        }
        poller.join();
        final long unseen = poller.counting.length - poller.next;
        if (unseen > 0) {
            Progress.note(out, "latency", String.format(Locale.ROOT,
                    "%,d records were still not visible after the count stood still for %s", unseen, STALL));
        }
        final double windowSeconds = (lastSend - start) / 1e9;
        final double visibleSeconds = (Math.max(poller.lastSeenNanos, lastSend) - start) / 1e9;
        return new Result(rate, data.size(), data.size() / windowSeconds, data.size() / visibleSeconds, windowSeconds,
                visibleSeconds - windowSeconds, poller.growthSeconds(), poller.next, unseen, poller.histogram, poller.reads,
                poller.reads == 0 ? 0 : poller.readNanos / 1e6 / poller.reads);
    }

    /** Reads the count as the records are sent, and times each counting record when it shows. */
    private static final class Poller implements Runnable {
        private final EventCount totals;
        private final int[] counting;
        private final double intervalNanos;
        private final Histogram histogram = new Histogram(HIGHEST_MICROS, 3);
        private final Histogram firstTenth = new Histogram(HIGHEST_MICROS, 3);
        private final Histogram lastTenth = new Histogram(HIGHEST_MICROS, 3);
        private final Thread thread = new Thread(this, "bench-visibility-poller");
        private volatile long start;
        private long base;
        private RuntimeException failure;
        // written by the poller thread, read after join()
        private int next;
        private long reads;
        private long readNanos;
        private long lastSeenNanos;

        Poller(final EventCount totals, final int[] counting, final double intervalNanos) {
            this.totals = totals;
            this.counting = counting;
            this.intervalNanos = intervalNanos;
        }

        /** Reads the count before anything is sent; returns when the first record is due. */
        long start() {
            base = awaitCount(totals);
            start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(20);
            thread.start();
            return start;
        }

        @Override
        public void run() {
            try {
                poll();
            } catch (final RuntimeException e) {
                failure = e;
            }
        }

        private void poll() {
            long lastChange = System.nanoTime();
            long lastCount = base;
            // the k-th counting record is visible once the count reaches base + k + 1
            while (next < counting.length) {
                final long asked = System.nanoTime();
                final long count;
                try {
                    count = totals.events();
                } catch (final QueryUnavailableException e) {
                    // a rebalance: the records are still on their way; keep their clocks running
                    LockSupport.parkNanos(POLL_NANOS);
                    continue;
                }
                final long now = System.nanoTime();
                reads++;
                readNanos += now - asked;
                if (count != lastCount) {
                    lastCount = count;
                    lastChange = now;
                } else if (now - lastChange > STALL.toNanos() && now > start) {
                    return;
                }
                while (next < counting.length && base + next + 1 <= count) {
                    final long scheduled = start + (long) (counting[next] * intervalNanos);
                    final long micros = Math.min(HIGHEST_MICROS, Math.max(0, (now - scheduled) / 1000));
                    histogram.recordValue(micros);
                    if (next < counting.length / 10) {
                        firstTenth.recordValue(micros);
                    } else if (next >= counting.length - counting.length / 10) {
                        lastTenth.recordValue(micros);
                    }
                    next++;
                    lastSeenNanos = now;
                }
                // 1 ms between reads: finer than the commit interval, and leaves the cores to the ledger
                LockSupport.parkNanos(POLL_NANOS);
            }
        }

        double growthSeconds() {
            if (firstTenth.getTotalCount() == 0 || lastTenth.getTotalCount() == 0) {
                return 0;
            }
            return (lastTenth.getValueAtPercentile(50) - firstTenth.getValueAtPercentile(50)) / 1e6;
        }

        void join() {
            try {
                thread.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the records to become visible", e);
            }
            if (failure != null) {
                throw new IllegalStateException("the visibility poller failed", failure);
            }
        }
    }

    private static long awaitCount(final EventCount totals) {
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                return totals.events();
            } catch (final QueryUnavailableException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    private static int[] countingIndexes(final EncodedEvents data) {
        int n = 0;
        for (int i = 0; i < data.size(); i++) {
            n += data.countDelta(i);
        }
        final int[] indexes = new int[n];
        int k = 0;
        for (int i = 0; i < data.size(); i++) {
            if (data.countDelta(i) == 1) {
                indexes[k++] = i;
            }
        }
        return indexes;
    }
}
