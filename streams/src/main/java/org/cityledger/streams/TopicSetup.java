package org.cityledger.streams;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.cityledger.schema.KafkaConnection;
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
        return ensureTopics(KafkaConnection.plain(bootstrapServers), partitions, replicationFactor);
    }

    /** As {@link #ensureTopics(String, int, short)}, connecting with {@code connection}'s settings. */
    public static int ensureTopics(final KafkaConnection connection, final int partitions, final short replicationFactor) {
        try (Admin admin = Admin.create(connection.clientProperties())) {
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

    /**
     * On a secured cluster: creates each district office's inbox topic ({@link Topics#inbox(String)},
     * as many partitions as the events topic, so that a project's records keep one partition) and the
     * ACLs that confine the offices ({@link #inboxAcls}). The ledger's principal needs ALTER on the
     * cluster for the ACLs: the embedded broker's super user has it; on a cluster of the city's own
     * the operator grants them ({@link #ensureInboxTopics} and {@link #missingAcls} are for that case).
     *
     * @param districts     the district codes, one office each
     * @param ledgerUser    the SCRAM user the ledger authenticates as
     */
    public static void ensureInboxes(final KafkaConnection connection, final Collection<String> districts, final int partitions,
                                     final short replicationFactor, final String applicationId, final String ledgerUser) {
        ensureInboxTopics(connection, districts, partitions, replicationFactor);
        try (Admin admin = Admin.create(connection.clientProperties())) {
            admin.createAcls(inboxAcls(districts, applicationId, ledgerUser)).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("Inboxes of {} district offices ready, each writable by its office alone", districts.size());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while granting the offices' ACLs", e);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot grant the offices' ACLs: " + e.getMessage(), e);
        }
    }

    /**
     * Creates the district offices' inbox topics that are missing (as many partitions as the events
     * topic, kept forever like it) and waits for their leaders; grants nothing. What a ledger moving
     * inboxes on a cluster of your own does at start: it may create topics under {@code ledger.}
     * (its PREFIXED grant) but, rightly, not ACLs.
     */
    public static void ensureInboxTopics(final KafkaConnection connection, final Collection<String> districts,
                                         final int partitions, final short replicationFactor) {
        try (Admin admin = Admin.create(connection.clientProperties())) {
            final Map<String, String> forever = Map.of(TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, replicationFactor)));
            for (final String district : districts) {
                create(admin, new NewTopic(Topics.inbox(district), partitions, replicationFactor).configs(forever));
            }
            for (final String district : districts) {
                awaitLeaders(admin, Topics.inbox(district));
            }
        }
    }

    /**
     * The ACLs of a secured ledger. An office's principal ({@link #officePrincipal}) may WRITE and
     * DESCRIBE its own inbox, a LITERAL grant, and nothing else: not another inbox, not the events
     * topic, not a read of anything. The ledger's principal is granted its topics, its group and its
     * transactional ids by PREFIXED ACLs on {@code ledger.} and its application id, so that it needs
     * to be no super user on a cluster of the city's own.
     */
    public static List<AclBinding> inboxAcls(final Collection<String> districts, final String applicationId,
                                             final String ledgerUser) {
        final List<AclBinding> acls = new ArrayList<>();
        for (final String district : districts) {
            final String inbox = Topics.inbox(district);
            for (final AclOperation operation : List.of(AclOperation.WRITE, AclOperation.DESCRIBE)) {
                acls.add(new AclBinding(new ResourcePattern(ResourceType.TOPIC, inbox, PatternType.LITERAL),
                        new AccessControlEntry(officePrincipal(district), "*", operation, AclPermissionType.ALLOW)));
            }
        }
        final String ledger = "User:" + ledgerUser;
        acls.add(allowAll(ledger, ResourceType.TOPIC, "ledger."));
        acls.add(allowAll(ledger, ResourceType.TOPIC, applicationId));
        acls.add(allowAll(ledger, ResourceType.GROUP, applicationId));
        acls.add(allowAll(ledger, ResourceType.TRANSACTIONAL_ID, applicationId));
        return List.copyOf(acls);
    }

    /**
     * Which of {@code acls} the cluster does not hold, or empty if this client may not ask (describing
     * ACLs needs DESCRIBE on the cluster, which a ledger on a cluster of your own usually lacks).
     */
    public static Optional<List<AclBinding>> missingAcls(final KafkaConnection connection, final List<AclBinding> acls) {
        try (Admin admin = Admin.create(connection.clientProperties())) {
            final Set<AclBinding> held = Set.copyOf(admin.describeAcls(AclBindingFilter.ANY).values()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            return Optional.of(acls.stream().filter(acl -> !held.contains(acl)).toList());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing ACLs", e);
        } catch (final ExecutionException | TimeoutException e) {
            // not authorized, or no authorizer at all (SecurityDisabledException): nothing to tell by
            LOG.debug("cannot describe the cluster's ACLs: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /** The Kafka principal of a district's office: its SCRAM user is the district code. */
    public static String officePrincipal(final String district) {
        return "User:" + district;
    }

    private static AclBinding allowAll(final String principal, final ResourceType type, final String prefix) {
        return new AclBinding(new ResourcePattern(type, prefix, PatternType.PREFIXED),
                new AccessControlEntry(principal, "*", AclOperation.ALL, AclPermissionType.ALLOW));
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
