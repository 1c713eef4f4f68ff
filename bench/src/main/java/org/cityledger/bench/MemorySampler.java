package org.cityledger.bench;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Peak memory of this JVM, overall and per stage: heap used (sampled every 100 ms), heap still
 * used right after each garbage collection (the live set plus old garbage not yet collected: the
 * figure a {@code -Xmx} has to cover), heap committed, and resident set size from /proc. The JVM
 * hosts everything (broker, producers, Streams, HTTP, the pre-encoded events), so these are upper
 * bounds for the ledger alone.
 */
final class MemorySampler implements AutoCloseable {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final Path STATUS = Path.of("/proc/self/status");

    /** Peaks while one stage ran. */
    static final class Peaks {
        private long heapUsed;
        private long heapAfterGc;
        private long heapCommitted;
        private long rss;
        private long liveAtEnd = -1;
        private long gcMillis;
        private volatile long fullGcMillis = -1;

        synchronized void sample(final long used, final long committed, final long residentBytes) {
            heapUsed = Math.max(heapUsed, used);
            heapCommitted = Math.max(heapCommitted, committed);
            rss = Math.max(rss, residentBytes);
        }

        synchronized void afterGc(final long used) {
            heapAfterGc = Math.max(heapAfterGc, used);
        }

        synchronized long heapUsed() {
            return heapUsed;
        }

        synchronized long heapAfterGc() {
            return heapAfterGc;
        }

        synchronized long heapCommitted() {
            return heapCommitted;
        }

        synchronized long rss() {
            return rss;
        }

        /** Heap in use after a full collection at the end of the stage, or -1 if none was taken. */
        synchronized long liveAtEnd() {
            return liveAtEnd;
        }

        /** How long the full collections for {@link #liveAtEnd()} stopped the JVM, or -1. */
        long fullGcMillis() {
            return fullGcMillis;
        }

        /** Time the collectors took while the stage ran. */
        synchronized long gcMillis() {
            return gcMillis;
        }

        private synchronized void live(final long used) {
            liveAtEnd = used;
        }

        private synchronized void addGcMillis(final long millis) {
            gcMillis += millis;
        }
    }

    private final Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(pool -> pool.getType() == MemoryType.HEAP).map(MemoryPoolMXBean::getName)
            .collect(Collectors.toUnmodifiableSet());
    private final Peaks overall = new Peaks();
    private final Map<String, Peaks> byStage = new LinkedHashMap<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener gcListener = this::onGc;
    private final Thread thread;
    private volatile Peaks current;
    private long gcMillisAtStageStart;
    private volatile boolean running = true;

    MemorySampler() {
        stage("setup");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(gcListener, null, null);
                emitters.add(emitter);
            }
        }
        thread = new Thread(this::run, "bench-memory-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    /** Attributes the samples from now on to {@code name}. */
    synchronized void stage(final String name) {
        final long gcMillis = gcMillis();
        if (current != null) {
            current.addGcMillis(gcMillis - gcMillisAtStageStart);
        }
        gcMillisAtStageStart = gcMillis;
        current = byStage.computeIfAbsent(name, n -> new Peaks());
        sample();
    }

    /**
     * Collects all garbage and notes what is left as the current stage's live heap: the set of
     * objects a {@code -Xmx} must hold at that moment. Call only between measurements (it stops the JVM).
     */
    synchronized void liveAtEnd() {
        final long gcBefore = gcMillis();
        final long started = System.nanoTime();
        final long used = liveHeap();
        // the stage's own collection time excludes these
        gcMillisAtStageStart += gcMillis() - gcBefore;
        current.live(used);
        current.fullGcMillis = (System.nanoTime() - started) / 1_000_000;
        overall.live(Math.max(overall.liveAtEnd(), used));
    }

    /** The heap still reachable after full collections: what the process must hold. Stops the JVM. */
    static long liveHeap() {
        // a second collection frees what the first only found unreachable (finalizable, weakly referenced)
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long gcMillis() {
        long total = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    synchronized Map<String, Peaks> byStage() {
        return new LinkedHashMap<>(byStage);
    }

    Peaks overall() {
        sample();
        return overall;
    }

    /** The kernel's high-water mark of this process's resident set (VmHWM), or -1 where there is no /proc. */
    static long residentHighWaterMark() {
        return statusBytes("VmHWM:");
    }

    static long maxHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getMax();
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        for (final NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(gcListener);
            } catch (final ListenerNotFoundException e) {
                // already gone: nothing to remove
            }
        }
    }

    private void run() {
        while (running) {
            sample();
            LockSupport.parkNanos(INTERVAL_NANOS);
        }
    }

    private void sample() {
        final MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        final long rss = statusBytes("VmRSS:");
        overall.sample(heap.getUsed(), heap.getCommitted(), rss);
        current.sample(heap.getUsed(), heap.getCommitted(), rss);
    }

    private void onGc(final Notification notification, final Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        final GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long used = 0;
        for (final Map.Entry<String, MemoryUsage> pool : info.getGcInfo().getMemoryUsageAfterGc().entrySet()) {
            if (heapPools.contains(pool.getKey())) {
                used += pool.getValue().getUsed();
            }
        }
        overall.afterGc(used);
        current.afterGc(used);
    }

    private static long statusBytes(final String field) {
        return statusBytes(STATUS, field);
    }

    /**
     * A memory field of a {@code /proc/<pid>/status} file ({@code VmRSS:}, {@code VmHWM:}), in bytes;
     * -1 where there is no such file (no /proc, or the process has exited) or field.
     */
    static long statusBytes(final Path status, final String field) {
        if (!Files.isReadable(status)) {
            return -1;
        }
        try {
            for (final String line : Files.readAllLines(status)) {
                if (line.startsWith(field)) {
                    // "VmRSS:	  123456 kB"
                    final String[] parts = line.substring(field.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        } catch (final IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
