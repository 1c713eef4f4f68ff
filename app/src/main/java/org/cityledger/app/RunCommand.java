package org.cityledger.app;

import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.cityledger.broker.BrokerSecurity;
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
        if (runtime.security() != null) {
            final BrokerSecurity security = runtime.security();
            // paths only: the passwords stay in the owner-only files
            System.out.printf(Locale.ROOT, "%nKafka is secured: SASL_SSL with SCRAM-SHA-512 at %s, ACLs on.%n"
                    + "  Truststore for clients: %s (CA certificate %s)%n"
                    + "  Each office's client properties (owner-only, with its password): %s%n"
                    + "  e.g. ledger publish --office kunshan --bootstrap-servers %s --kafka-config %s FILE%n",
                    runtime.bootstrapServers(), security.truststore(), security.caCertificate(),
                    security.clientConfig("OFFICE").getParent().resolve("<district>.properties"), runtime.bootstrapServers(),
                    security.clientConfig("kunshan"));
        }
        if (!runtime.aclAdvice().isEmpty()) {
            System.out.println();
            runtime.aclAdvice().forEach(System.out::println);
        }
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
