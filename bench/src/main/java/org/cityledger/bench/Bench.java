package org.cityledger.bench;

import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code bench} command: {@code java -jar bench/target/bench.jar [options]}, or
 * {@code --jmh [JMH options]} for the JMH micro-benchmarks. The only place that exits the JVM.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length > 0 && "--jmh".equals(args[0])) {
            org.openjdk.jmh.Main.main(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(commandLine(args).execute(args));
    }

    /** The command for {@code args}; tests execute it without exiting. */
    static CommandLine commandLine(final String... args) {
        return new CommandLine(new BenchCommand(List.of(args), System.out, System.err))
                // laid out for 100 columns, as the ledger's own help; a wider terminal gets its width
                .setUsageHelpWidth(100)
                .setUsageHelpAutoWidth(true)
                .setExecutionExceptionHandler((e, commandLine, parseResult) -> {
                    if (e instanceof IllegalArgumentException) {
                        // a bad option value: the message says which and why; a stack trace would bury it
                        commandLine.getErr().println("bench: " + e.getMessage());
                        return 2;
                    }
                    throw e;
                });
    }
}
