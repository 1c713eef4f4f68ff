package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * CPU spent during a stage: by the whole JVM (broker included), by the stage's stream threads, by
 * the JIT compilers and by GC. Rates on two shared cores swing from run to run; CPU time per record
 * swings much less, so this is what tells whether a change made the ledger cheaper.
 */
final class CpuUsage {

    /** Linux reports thread CPU in clock ticks of 1/100 s (USER_HZ) on every architecture the harness runs on. */
    static final long NANOS_PER_CLOCK_TICK = 10_000_000L;

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final String streamThreadPrefix;
    /** The calling thread's CPU at the start when it is the one that does the work (a peer's loop); else -1. */
    private final long callerCpuStart;
    private final long processCpuStart;
    private final long compileMillisStart;
    private final long gcMillisStart;

    private CpuUsage(final String streamThreadPrefix, final boolean caller) {
        this.streamThreadPrefix = streamThreadPrefix;
        this.callerCpuStart = caller ? threads.getCurrentThreadCpuTime() : -1;
        this.processCpuStart = os.getProcessCpuTime();
        this.compileMillisStart = compileMillis();
        this.gcMillisStart = gcMillis();
    }

    /** Starts counting; the stream threads are those named {@code <applicationId>-...-StreamThread-N}. */
    static CpuUsage start(final String applicationId) {
        return new CpuUsage(applicationId, false);
    }

    /**
     * Starts counting the calling thread, which does the work itself (a peer's consume loop), under
     * the same keys as a Streams application's stream threads so that stages compare; {@link #stop}
     * must then be called on the same thread.
     */
    static CpuUsage callingThread() {
        return new CpuUsage(null, true);
    }

    /** The figures since {@link #start}, per record where it says so; call while the stream threads still run. */
    Map<String, Object> stop(final long records) {
        final double processCpu = (os.getProcessCpuTime() - processCpuStart) / 1e9;
        long streamNanos = callerCpuStart < 0 ? 0 : Math.max(0, threads.getCurrentThreadCpuTime() - callerCpuStart);
        for (final Thread thread : streamThreadPrefix == null ? Set.<Thread>of() : Thread.getAllStackTraces().keySet()) {
            final String name = thread.getName();
            if (name.startsWith(streamThreadPrefix) && name.contains("StreamThread")) {
                final long cpu = threads.getThreadCpuTime(thread.getId());
                streamNanos += Math.max(0, cpu);
            }
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("processCpuSeconds", Fmt.round(processCpu));
        json.put("processCpuMicrosPerRecord", Fmt.round(processCpu * 1e6 / records));
        json.put("streamThreadCpuSeconds", Fmt.round(streamNanos / 1e9));
        json.put("streamThreadCpuMicrosPerRecord", Fmt.round(streamNanos / 1e3 / records));
        json.put("jitCompileSeconds", Fmt.round((compileMillis() - compileMillisStart) / 1e3));
        json.put("gcSeconds", Fmt.round((gcMillis() - gcMillisStart) / 1e3));
        return json;
    }

    static String display(final Map<String, Object> cpu) {
        return String.format(Locale.ROOT, "%s µs stream thread, %s µs whole JVM (JIT %s s, GC %s s of it)",
                cpu.get("streamThreadCpuMicrosPerRecord"), cpu.get("processCpuMicrosPerRecord"),
                cpu.get("jitCompileSeconds"), cpu.get("gcSeconds"));
    }

    /**
     * CPU time of the JIT compiler threads since the JVM started, from {@code /proc/self/task} (they
     * are hidden from {@link ThreadMXBean}); -1 where there is no such file system. In this JVM the C2
     * thread may still be working off a backlog of broker, Streams and Jetty code long after a
     * stage's warm-up, and takes its CPU from the same two cores as the code measured.
     */
    static long compilerThreadsCpuNanos() {
        final Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return -1;
        }
        long ticks = 0;
        try (Stream<Path> threads = Files.list(tasks)) {
            for (final Path task : (Iterable<Path>) threads::iterator) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        // fields after the command's closing parenthesis: 12th and 13th are utime and stime
                        final String stat = Files.readString(task.resolve("stat"));
                        final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                    }
                } catch (final IOException | RuntimeException gone) {
                    // a compiler thread that ended meanwhile: its time is not to be had
                }
            }
        } catch (final IOException e) {
            return -1;
        }
        return ticks * NANOS_PER_CLOCK_TICK;
    }

    /** The JIT compilers' time since the JVM started (elapsed, summed over threads); 0 where the JVM does not keep it. */
    static long compileMillis() {
        final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    private static long gcMillis() {
        long total = 0;
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
