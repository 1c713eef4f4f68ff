package org.cityledger.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.kafka.common.utils.Utils;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.EventRules;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.TopicSetup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running ledger: the broker (embedded, or an existing cluster), the topics and one node. Closing
 * it stops the node, then the embedded broker, and removes what it created in temporary space.
 */
final class LedgerRuntime implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerRuntime.class);

    private final EmbeddedKafkaBroker broker;
    private final LedgerNode node;
    private final String bootstrapServers;
    private final Path tempStateDir;

    private LedgerRuntime(final EmbeddedKafkaBroker broker, final LedgerNode node, final String bootstrapServers,
                          final Path tempStateDir) {
        this.broker = broker;
        this.node = node;
        this.bootstrapServers = bootstrapServers;
        this.tempStateDir = tempStateDir;
    }

    static LedgerRuntime start(final NodeOptions options) throws InterruptedException {
        EmbeddedKafkaBroker broker = null;
        Path tempStateDir = null;
        try {
            if (options.instance < 1) {
                throw new IllegalArgumentException("--instance: must be 1 or more, got " + options.instance);
            }
            final String bootstrap;
            if (options.startsEmbeddedBroker()) {
                broker = EmbeddedKafkaBroker.builder().port(options.brokerPort).numPartitions(options.partitions).build().start();
                bootstrap = broker.bootstrapServers();
            } else {
                bootstrap = options.bootstrap();
            }
            TopicSetup.ensureTopics(bootstrap, options.partitions, options.replicationFactor);
            final Path stateDir;
            if (options.stateDir == null) {
                tempStateDir = Files.createTempDirectory("ledger-state-" + options.instance + "-");
                stateDir = tempStateDir;
            } else {
                stateDir = options.stateDir;
            }
            final LedgerConfig config = new LedgerConfig(options.applicationId, bootstrap, stateDir, options.advertisedHost,
                    options.resolvedHttpPort(), options.commitInterval, options.replicationFactor, options.standbyReplicas,
                    options.streamThreads == null ? LedgerConfig.defaultStreamThreads() : options.streamThreads,
                    EventRules.DEFAULT_FUTURE_SKEW, options.horizon, options.dedupeFilterBytes(), options.access());
            final LedgerNode node = new LedgerNode(config).start();
            if (!node.awaitRunning(Duration.ofSeconds(120))) {
                node.close();
                throw new IllegalStateException("the ledger did not reach RUNNING within 120 s (state "
                        + node.streams().state() + ")");
            }
            return new LedgerRuntime(broker, node, bootstrap, tempStateDir);
        } catch (final IOException e) {
            closeQuietly(broker);
            throw new UncheckedIOException("cannot create a state directory", e);
        } catch (final RuntimeException | InterruptedException e) {
            closeQuietly(broker);
            deleteQuietly(tempStateDir);
            throw e;
        }
    }

    String bootstrapServers() {
        return bootstrapServers;
    }

    LedgerNode node() {
        return node;
    }

    String apiUrl() {
        return "http://localhost:" + node.httpPort();
    }

    @Override
    public void close() {
        LOG.info("Shutting down");
        node.close();
        closeQuietly(broker);
        deleteQuietly(tempStateDir);
    }

    private static void closeQuietly(final EmbeddedKafkaBroker broker) {
        if (broker != null) {
            broker.close();
        }
    }

    private static void deleteQuietly(final Path dir) {
        if (dir == null) {
            return;
        }
        try {
            Utils.delete(dir.toFile());
        } catch (final IOException e) {
            LOG.warn("could not remove {}: {}", dir, e.getMessage());
        }
    }
}
