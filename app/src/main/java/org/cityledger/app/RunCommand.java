package org.cityledger.app;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** Runs a ledger node in the foreground until Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run a ledger node (and, without --bootstrap-servers, an embedded broker) until Ctrl-C."})
class RunCommand implements Callable<Integer> {

    @Mixin
    NodeOptions options;

    @Override
    public Integer call() throws Exception {
        beforeStart(options);
        final LedgerRuntime runtime = LedgerRuntime.start(options);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Thread hook = new Thread(() -> {
            runtime.close();
            stopped.countDown();
        }, "ledger-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        afterStart(runtime);
        System.out.printf(Locale.ROOT, "%nLedger is up: %s/api/totals/summary   (Kafka at %s; Ctrl-C to stop)%n"
                + "Dashboard:    %s/%n%n", runtime.apiUrl(), runtime.bootstrapServers(), runtime.apiUrl());
        final Throwable failure = runtime.node().awaitFailure();
        // only a failed node gets here; Ctrl-C exits through the shutdown hook
        System.err.println("Ledger node failed: " + failure);
        return 2;
    }

    /** Hook for subcommands that prepare the node's options (the demo's office tokens). */
    void beforeStart(final NodeOptions nodeOptions) throws Exception {
        // plain 'run' takes the options as given
    }

    /** Hook for subcommands that do more once the node runs. */
    void afterStart(final LedgerRuntime runtime) throws Exception {
        // plain 'run' does nothing more
    }
}
