package org.cityledger.bench;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM's CPU over the measured window of a closed-loop load (query, audit and ingest stages):
 * opened when the warm-up ends, closed once the client threads are done (and whatever else the
 * stage waits for), with the JIT compiler threads' share apart, as {@link QueryLoad.Cpu}.
 */
final class CpuWindow {

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final long processFrom;
    private final long jitFrom;

    private CpuWindow() {
        this.processFrom = OS.getProcessCpuTime();
        this.jitFrom = CpuUsage.compilerThreadsCpuNanos();
    }

    /** Waits for the instant {@code measureFrom} ({@link System#nanoTime}), then opens the window. */
    static CpuWindow openAt(final long measureFrom) {
        for (long now = System.nanoTime(); now < measureFrom; now = System.nanoTime()) {
            LockSupport.parkNanos(measureFrom - now);
        }
        return new CpuWindow();
    }

    /** Waits for every client thread to end. */
    static void join(final List<Thread> clients, final String load) {
        for (final Thread thread : clients) {
            try {
                thread.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during the " + load, e);
            }
        }
    }

    /** The CPU spent since the window opened, the clients' own given as {@code clientNanos}. */
    QueryLoad.Cpu close(final long clientNanos) {
        final long jitTo = CpuUsage.compilerThreadsCpuNanos();
        return new QueryLoad.Cpu(OS.getProcessCpuTime() - processFrom, clientNanos,
                jitFrom < 0 || jitTo < 0 ? 0 : jitTo - jitFrom);
    }
}
