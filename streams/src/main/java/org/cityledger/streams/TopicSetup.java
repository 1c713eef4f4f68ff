package org.cityledger.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.cityledger.schema.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ledger's topics if they are missing and waits until every partition has a leader:
 * a producer that starts writing to a topic whose leaders are still being elected can lose a batch
 * to OUT_OF_ORDER_SEQUENCE_NUMBER.
 */
public final class TopicSetup {

    private static final Logger LOG = LoggerFactory.getLogger(TopicSetup.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private TopicSetup() {
    }

    /** Ensures {@link Topics#EVENTS} and {@link Topics#DEAD_LETTERS} exist; returns the events topic's partition count. */
    public static int ensureTopics(final String bootstrapServers, final int partitions, final short replicationFactor) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(props)) {
            // the events are the ledger's history: kept forever, so totals can always be rebuilt by replay
            // (the event index is rebuilt from it too); the broker stamps each record with its arrival, the
            // time the ledger's rules judge occurredAt against, whatever a publisher's clock says
            final Map<String, String> forever = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, replicationFactor)));
            final Map<String, String> events = new HashMap<>(forever);
            events.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
            create(admin, new NewTopic(Topics.EVENTS, partitions, replicationFactor).configs(events));
            create(admin, new NewTopic(Topics.DEAD_LETTERS, 1, replicationFactor).configs(forever));
            return awaitLeaders(admin, Topics.EVENTS);
        }
    }

    /** The partition count of the events topic, failing clearly if it does not exist. */
    public static int partitionCount(final Admin admin) {
        try {
            return admin.describeTopics(List.of(Topics.EVENTS)).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(Topics.EVENTS).partitions().size();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + Topics.EVENTS, e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + Topics.EVENTS + ": " + e.getMessage(), e);
        }
    }

    private static void create(final Admin admin, final NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Created topic {} ({} partitions, replication {})", topic.name(), topic.numPartitions(),
                    topic.replicationFactor());
        } catch (final ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating " + topic.name(), e);
        } catch (final TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + topic.name(), e);
        }
    }

    private static int awaitLeaders(final Admin admin, final String topic) {
        final Instant deadline = Instant.now().plus(TIMEOUT);
        while (true) {
            try {
                final TopicDescription description = admin.describeTopics(Set.of(topic)).allTopicNames()
                        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
                final List<TopicPartitionInfo> partitions = description.partitions();
                if (partitions.stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                    return partitions.size();
                }
            } catch (final ExecutionException e) {
                LOG.debug("topic {} not described yet: {}", topic, e.getCause().getMessage());
            } catch (final TimeoutException e) {
                LOG.debug("describing topic {} timed out", topic);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for leaders of " + topic, e);
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("partitions of " + topic + " have no leader after " + TIMEOUT);
            }
            try {
                // polling the controller; there is no push notification for leader election
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for leaders of " + topic, e);
            }
        }
    }
}
