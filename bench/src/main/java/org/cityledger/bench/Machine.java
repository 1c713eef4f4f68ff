package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the figures were measured on: they mean little without it. */
final class Machine {

    private Machine() {
    }

    static Map<String, Object> describe() {
        final Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cores", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", procField(Path.of("/proc/cpuinfo"), "model name"));
        machine.put("memory", procField(Path.of("/proc/meminfo"), "MemTotal"));
        machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        machine.put("java", System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ", "
                + System.getProperty("java.vendor") + ")");
        machine.put("jvmArguments", ManagementFactory.getRuntimeMXBean().getInputArguments());
        machine.put("maxHeapMiB", Fmt.toMib(MemorySampler.maxHeap()));
        return machine;
    }

    /** The value of the first "name : value" line of a /proc file, or "unknown". */
    private static String procField(final Path file, final String name) {
        if (!Files.isReadable(file)) {
            return "unknown";
        }
        try {
            final List<String> lines = Files.readAllLines(file);
            for (final String line : lines) {
                final int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
        } catch (final IOException e) {
            return "unknown";
        }
        return "unknown";
    }
}
