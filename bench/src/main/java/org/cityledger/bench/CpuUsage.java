package org.cityledger.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * CPU spent during a stage: by the whole JVM (broker included), by the stage's stream threads, by
 * the JIT compilers and by GC. Rates on two shared cores swing from run to run; CPU time per record
 * swings much less, so this is what tells whether a change made the ledger cheaper.
 */
final class CpuUsage {

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final com.sun.management.OperatingSystemMXBean os =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final String streamThreadPrefix;
    private final long processCpuStart;
    private final long compileMillisStart;
    private final long gcMillisStart;

    private CpuUsage(final String streamThreadPrefix) {
        this.streamThreadPrefix = streamThreadPrefix;
        this.processCpuStart = os.getProcessCpuTime();
        this.compileMillisStart = compileMillis();
        this.gcMillisStart = gcMillis();
    }

    /** Starts counting; the stream threads are those named {@code <applicationId>-...-StreamThread-N}. */
    static CpuUsage start(final String applicationId) {
        return new CpuUsage(applicationId);
    }

    /** The figures since {@link #start}, per record where it says so; call while the stream threads still run. */
    Map<String, Object> stop(final long records) {
        final double processCpu = (os.getProcessCpuTime() - processCpuStart) / 1e9;
        long streamNanos = 0;
        for (final Thread thread : Thread.getAllStackTraces().keySet()) {
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

    /** The JIT compilers' CPU time since the JVM started; 0 where the JVM does not keep it. */
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
