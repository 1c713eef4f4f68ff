package org.cityledger.streams;

import io.javalin.Javalin;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.cityledger.streams.http.LedgerHttpServer;
import org.cityledger.streams.query.AllPartitions;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.PartialTotalsSource;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.topology.LedgerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running ledger node: the topology on Kafka Streams and the HTTP API over its stores. The
 * topics must exist ({@link TopicSetup}). Closing stops HTTP first, then Streams, so no request is
 * answered from a closing store.
 */
public final class LedgerNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerNode.class);

    private final LedgerConfig config;
    private final KafkaStreams streams;
    private final Javalin http;
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile Throwable failure;

    public LedgerNode(final LedgerConfig config) {
        this.config = config;
        final int partitions;
        final Properties adminProps = new Properties();
        adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        try (Admin admin = Admin.create(adminProps)) {
            partitions = TopicSetup.partitionCount(admin);
        }
        this.streams = new KafkaStreams(LedgerTopology.build(config), config.streamsProperties());
        this.streams.setUncaughtExceptionHandler(e -> {
            // bad input never gets here (it is dead-lettered); this is a bug or a lost cluster: stop loudly
            LOG.error("Ledger stream thread failed; shutting the node down", e);
            failure = e;
            failed.countDown();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        final AllPartitions all = new AllPartitions(streams, () -> partitions);
        this.http = LedgerHttpServer.create(
                new TotalsService(PartialTotalsSource.of(all), Clock.systemUTC(), config.horizon()),
                DeadLetterService.of(all));
    }

    public LedgerNode start() {
        streams.start();
        http.start(config.httpPort());
        LOG.info("Ledger node {} serving http://localhost:{}/api/totals/summary", config.applicationId(), http.port());
        return this;
    }

    /** Blocks until every task is running (restored and processing) or the timeout passes. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        final Instant deadline = Instant.now().plus(timeout);
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (Instant.now().isAfter(deadline) || failed.getCount() == 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return true;
    }

    /** Blocks until the node fails; returns the failure. For the launcher's foreground mode. */
    public Throwable awaitFailure() throws InterruptedException {
        failed.await();
        return failure;
    }

    public int httpPort() {
        return http.port();
    }

    public KafkaStreams streams() {
        return streams;
    }

    @Override
    public void close() {
        http.stop();
        // no cleanUp(): local state is what makes a restart fast; EOS keeps it consistent.
        // Leaving the group hands this node's partitions over at once instead of after the session timeout.
        streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        LOG.info("Ledger node {} stopped", config.applicationId());
    }
}
