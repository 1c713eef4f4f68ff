package org.cityledger.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.LogDirDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka broker in KRaft mode (one process acting as broker and controller),
 * started inside the current JVM from Kafka's own server classes.
 *
 * <p>It exists so that one command can run the whole ledger on a laptop and so that tests talk to a
 * genuine broker, with transactions, idempotent producers and consumer groups behaving exactly as in
 * production. Internal topics use replication factor 1, automatic topic creation is off, and
 * {@link #createTopics(NewTopic...)} only returns once every partition has a leader whose log exists,
 * because producing into a partition a moment after creation once lost a batch with
 * {@code OUT_OF_ORDER_SEQUENCE_NUMBER}.
 *
 * <p>Usage:
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
 *     broker.createTopic("ledger.events", 6, Map.of());
 *     String bootstrap = broker.bootstrapServers();
 *     ...
 * }
 * }</pre>
 *
 * <p>Logging: the broker logs a great deal at INFO. Embedding applications should set these loggers
 * to WARN: {@code kafka}, {@code org.apache.kafka} and {@code state.change.logger} (the last one is
 * not below either package). This class itself logs one INFO line when the broker is ready.
 *
 * <p>Restarts: with {@code deleteOnClose(false)} and an explicit log dir, a later broker started on
 * the same directory keeps its topics and data; give it the same fixed ports, because the controller
 * endpoint is recorded in the metadata log when the directory is formatted.
 *
 * <p>Instances are not meant to be shared between threads while starting or closing; the topic
 * helpers may be called from any thread once {@link #start()} has returned.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    /** The client listener of a secured broker: SASL_SSL. */
    private static final String SECURE_LISTENER = "SECURE";
    /** A secured broker's own loopback listener, for replication and its own admin: PLAINTEXT. */
    private static final String INTERNAL_LISTENER = "INTERNAL";
    /**
     * On a secured broker the PLAINTEXT loopback listeners (controller, internal) carry no identity, so
     * the broker itself is ANONYMOUS there and must be a super user; the client listener is SASL_SSL
     * only, where nobody is ANONYMOUS.
     */
    private static final String ANONYMOUS = "User:ANONYMOUS";
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);
    /** Kafka's minimum for SCRAM-SHA-512 is 4096. */
    private static final int SCRAM_ITERATIONS = 8192;

    private final int requestedPort;
    private final int requestedControllerPort;
    private final Path requestedLogDir;
    private final boolean deleteOnClose;
    private final int numPartitions;
    private final Map<String, String> extraProperties;
    private final Duration startTimeout;
    private final Duration topicTimeout;
    private final BrokerSecurity security;
    private final List<String> superUsers;

    private State state = State.NEW;
    private int port;
    private int controllerPort;
    private int internalPort;
    private Path logDir;
    private KafkaRaftServer server;
    private Admin admin;

    private enum State { NEW, RUNNING, CLOSED }

    private EmbeddedKafkaBroker(final Builder builder) {
        this.requestedPort = builder.port;
        this.requestedControllerPort = builder.controllerPort;
        this.requestedLogDir = builder.logDir;
        this.deleteOnClose = builder.deleteOnClose;
        this.numPartitions = builder.numPartitions;
        this.extraProperties = Map.copyOf(builder.extraProperties);
        this.startTimeout = builder.startTimeout;
        this.topicTimeout = builder.topicTimeout;
        this.security = builder.security;
        this.superUsers = List.copyOf(builder.superUsers);
    }

    /**
     * Returns a builder with the defaults: free ports, a fresh temporary log dir deleted on close,
     * one partition per topic.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Formats the log dir if it is not formatted yet, starts the broker and returns once an Admin
     * client can describe the cluster.
     *
     * @return this broker, for chaining in try-with-resources
     * @throws IllegalStateException if the broker was already started or closed, or could not start
     *                               within the start timeout
     */
    public synchronized EmbeddedKafkaBroker start() {
        if (state != State.NEW) {
            throw new IllegalStateException("An embedded broker can be started only once; state is " + state);
        }
        state = State.RUNNING;
        final long startedAt = System.nanoTime();
        try {
            chooseLogDirAndPorts();
            final Properties props = brokerProperties();
            formatStorage(props);
            server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
            server.startup();
            admin = Admin.create(adminProperties());
            awaitClusterReady(startedAt);
            if (security != null) {
                createScramUsers();
            }
        } catch (final RuntimeException | IOException e) {
            close();
            throw new IllegalStateException("Embedded Kafka broker failed to start"
                    + (logDir == null ? "" : " (log dir " + logDir + ")"), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IllegalStateException("Interrupted while starting the embedded Kafka broker", e);
        }
        final long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
        LOG.info("Embedded Kafka broker ready at {} in {} ms (log dir {})", bootstrapServers(), elapsedMs, logDir);
        return this;
    }

    /**
     * The address clients should bootstrap from.
     *
     * @return {@code 127.0.0.1:PORT}
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized String bootstrapServers() {
        requireStarted();
        return HOST + ":" + port;
    }

    /**
     * The security material of a secured broker: its truststore, its users' client settings.
     *
     * @return the material, or null for a PLAINTEXT broker
     */
    public BrokerSecurity security() {
        return security;
    }

    /**
     * The port of the client listener (PLAINTEXT, or SASL_SSL when secured).
     *
     * @return the port, chosen at start when the builder asked for 0
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized int port() {
        requireStarted();
        return port;
    }

    /**
     * The port of the KRaft controller listener; clients never need it.
     *
     * @return the controller port
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized int controllerPort() {
        requireStarted();
        return controllerPort;
    }

    /**
     * The directory holding the broker's data and metadata logs.
     *
     * @return the log dir
     * @throws IllegalStateException before {@link #start()}
     */
    public synchronized Path logDir() {
        requireStarted();
        return logDir;
    }

    /**
     * Whether {@link #start()} succeeded and {@link #close()} was not called yet.
     *
     * @return true while running
     */
    public synchronized boolean isRunning() {
        return state == State.RUNNING && server != null;
    }

    /**
     * Creates a topic with replication factor 1 and waits until every partition has a leader.
     * Does nothing but wait if the topic already exists.
     *
     * @param name       topic name
     * @param partitions number of partitions
     * @param config     topic-level configuration, for example {@code cleanup.policy}
     */
    public void createTopic(final String name, final int partitions, final Map<String, String> config) {
        createTopics(new NewTopic(name, partitions, (short) 1).configs(Map.copyOf(config)));
    }

    /**
     * Creates topics and waits until every partition of each has a leader and a log on the broker.
     * Topics that already exist are left as they are (their partition count is not checked).
     *
     * @param topics the topics to create
     * @throws IllegalStateException if creation fails or the partitions are not ready in time
     */
    public void createTopics(final NewTopic... topics) {
        final Admin client = runningAdmin();
        final List<NewTopic> list = Arrays.asList(topics);
        if (list.isEmpty()) {
            return;
        }
        final long deadline = System.nanoTime() + topicTimeout.toNanos();
        try {
            final CreateTopicsResult result = client.createTopics(list);
            for (final Map.Entry<String, KafkaFuture<Void>> entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                } catch (final ExecutionException e) {
                    // An existing topic is what the caller wanted; anything else is a real failure.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            final Set<String> names = new HashSet<>();
            for (final NewTopic topic : list) {
                names.add(topic.name());
            }
            awaitPartitionsReady(client, names, deadline);
        } catch (final TimeoutException e) {
            throw new IllegalStateException("Topics not ready within " + topicTimeout + ": " + names(list), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + names(list), e);
        }
    }

    /**
     * Shuts the broker down, waits for its threads to finish and deletes the log dir if configured.
     * Safe to call more than once and after a failed start.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (admin != null) {
            // Closing the admin first keeps it from logging connection errors while the broker goes away.
            admin.close(Duration.ofSeconds(5));
            admin = null;
        }
        if (server != null) {
            try {
                server.shutdown();
                server.awaitShutdown();
            } catch (final RuntimeException e) {
                LOG.warn("Embedded Kafka broker at {}:{} did not shut down cleanly", HOST, port, e);
            }
            server = null;
        }
        if (deleteOnClose && logDir != null) {
            try {
                // tolerates files Kafka's own cleanup removes under it (a deleted topic's segments being renamed)
                Utils.delete(logDir.toFile());
            } catch (final IOException e) {
                LOG.warn("Could not delete embedded Kafka broker log dir {}", logDir, e);
            }
        }
    }

    private void requireStarted() {
        if (state == State.NEW || port == 0) {
            throw new IllegalStateException("The embedded broker has not been started");
        }
    }

    private synchronized Admin runningAdmin() {
        if (state != State.RUNNING || admin == null) {
            throw new IllegalStateException("The embedded broker is not running; state is " + state);
        }
        return admin;
    }

    private void chooseLogDirAndPorts() throws IOException {
        logDir = requestedLogDir != null
                ? Files.createDirectories(requestedLogDir)
                : Files.createTempDirectory("embedded-kafka-");
        // Both sockets are held open together so the two ports differ; KRaft needs the controller
        // port written into the formatted storage, so 0 cannot be handed to Kafka itself.
        try (ServerSocket brokerSocket = bindIfZero(requestedPort);
             ServerSocket controllerSocket = bindIfZero(requestedControllerPort);
             ServerSocket internalSocket = security == null ? null : bindIfZero(0)) {
            port = brokerSocket == null ? requestedPort : brokerSocket.getLocalPort();
            controllerPort = controllerSocket == null ? requestedControllerPort : controllerSocket.getLocalPort();
            internalPort = internalSocket == null ? 0 : internalSocket.getLocalPort();
        }
    }

    private static ServerSocket bindIfZero(final int requested) throws IOException {
        if (requested != 0) {
            return null;
        }
        final ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        return socket;
    }

    private Properties brokerProperties() {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("process.roles", "broker,controller");
        settings.put("node.id", Integer.toString(NODE_ID));
        if (security == null) {
            settings.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + port + ","
                    + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            settings.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
            settings.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
            settings.put("inter.broker.listener.name", BROKER_LISTENER);
        } else {
            settings.put("listeners", SECURE_LISTENER + "://" + HOST + ":" + port + ","
                    + INTERNAL_LISTENER + "://" + HOST + ":" + internalPort + ","
                    + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
            settings.put("advertised.listeners", SECURE_LISTENER + "://" + HOST + ":" + port + ","
                    + INTERNAL_LISTENER + "://" + HOST + ":" + internalPort);
            settings.put("listener.security.protocol.map", SECURE_LISTENER + ":SASL_SSL," + INTERNAL_LISTENER + ":PLAINTEXT,"
                    + CONTROLLER_LISTENER + ":PLAINTEXT");
            settings.put("inter.broker.listener.name", INTERNAL_LISTENER);
            settings.putAll(security.listenerSettings(SECURE_LISTENER));
            settings.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
            settings.put("allow.everyone.if.no.acl.found", "false");
            final List<String> supers = new ArrayList<>(superUsers);
            supers.add(ANONYMOUS);
            settings.put("super.users", String.join(";", supers));
        }
        settings.put("controller.listener.names", CONTROLLER_LISTENER);
        // A dynamic quorum (format --standalone) is discovered through bootstrap servers, not static voters.
        settings.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
        settings.put("log.dirs", logDir.toAbsolutePath().toString());
        settings.put("num.partitions", Integer.toString(numPartitions));
        settings.put("default.replication.factor", "1");
        settings.put("min.insync.replicas", "1");
        settings.put("auto.create.topics.enable", "false");
        settings.put("offsets.topic.replication.factor", "1");
        // Fewer internal partitions make the first consumer group and first transaction ready sooner.
        settings.put("offsets.topic.num.partitions", "5");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("transaction.state.log.num.partitions", "5");
        // A transactional producer's first produce after a commit asks the coordinator to add the partition, which
        // is refused while the last commit's markers are still being written; the broker retries that itself for
        // only 100 ms by default, and the first markers it ever writes take longer (it opens its own connection
        // first), so each Streams producer's second transaction got CONCURRENT_TRANSACTIONS back and logged a WARN.
        settings.put("add.partitions.to.txn.retry.backoff.max.ms", "1000");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        settings.put("group.initial.rebalance.delay.ms", "0");
        // The default 128 MiB cleaner buffer does not fit the small heaps of tests and laptops.
        settings.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
        settings.putAll(extraProperties);
        final Properties props = new Properties();
        props.putAll(settings);
        return props;
    }

    private void formatStorage(final Properties props) throws IOException {
        // A directory kept from an earlier run already holds its cluster id and voter set, and the
        // formatter refuses a second cluster id even with --ignore-formatted.
        if (Files.exists(logDir.resolve("meta.properties"))) {
            LOG.debug("Reusing formatted log dir {}", logDir);
            return;
        }
        final Path configFile = Files.createTempFile("embedded-kafka-", ".properties");
        try {
            try (OutputStream out = Files.newOutputStream(configFile)) {
                props.store(out, "embedded Kafka broker, for formatting its storage");
            }
            final String[] args = {
                "format",
                "--standalone",
                "--cluster-id", Uuid.randomUuid().toString(),
                "--config", configFile.toString(),
            };
            final ByteArrayOutputStream output = new ByteArrayOutputStream();
            final int exitCode;
            try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
                // execute() returns an exit code; main() would end the JVM.
                exitCode = StorageTool.execute(args, printStream);
            }
            final String text = output.toString(StandardCharsets.UTF_8).strip();
            if (exitCode != 0) {
                throw new IllegalStateException("Formatting " + logDir + " failed with exit code " + exitCode + ": " + text);
            }
            LOG.debug("Formatted {}: {}", logDir, text);
        } finally {
            Files.deleteIfExists(configFile);
        }
    }

    private Properties adminProperties() {
        final Properties props = new Properties();
        // a secured broker's own admin uses the loopback listener, which needs no credentials of its own
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + (security == null ? port : internalPort));
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-broker-admin-" + port);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        return props;
    }

    /** Creates or updates every user's SCRAM credential (the metadata keeps them; a restart rewrites them alike). */
    private void createScramUsers() throws InterruptedException {
        final List<UserScramCredentialAlteration> alterations = new ArrayList<>();
        security.passwords().forEach((user, password) -> alterations.add(new UserScramCredentialUpsertion(user,
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, SCRAM_ITERATIONS), password)));
        try {
            admin.alterUserScramCredentials(alterations).all().get(topicTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not create the SCRAM users " + security.users(), e);
        }
        LOG.info("SCRAM-SHA-512 users of the secured broker: {} (passwords in {})", security.users(), security.dir());
    }

    private void awaitClusterReady(final long startedAt) throws InterruptedException {
        final long deadline = startedAt + startTimeout.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                final Collection<?> nodes = admin.describeCluster().nodes()
                        .get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                if (!nodes.isEmpty()) {
                    return;
                }
            } catch (final ExecutionException | TimeoutException e) {
                last = e;
            }
            pause();
        }
        throw new IllegalStateException("Broker did not answer describeCluster within " + startTimeout, last);
    }

    private void awaitPartitionsReady(final Admin client, final Set<String> topics, final long deadline)
            throws InterruptedException, TimeoutException {
        while (true) {
            final List<TopicPartition> missing = notReadyPartitions(client, topics, deadline);
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException("Partitions without a leader or a log: " + missing);
            }
            pause();
        }
    }

    /**
     * A leader in the metadata cache is not quite enough: the replica manager creates the log a moment
     * later, so readiness also requires the partition to appear in the broker's log dirs.
     */
    private List<TopicPartition> notReadyPartitions(final Admin client, final Set<String> topics, final long deadline)
            throws InterruptedException, TimeoutException {
        final List<TopicPartition> expected = new ArrayList<>();
        final List<TopicPartition> missing = new ArrayList<>();
        final Map<String, TopicDescription> descriptions;
        try {
            descriptions = client.describeTopics(topics).allTopicNames()
                    .get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS);
        } catch (final ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // Metadata not propagated yet: nothing is ready, so report the topics themselves.
                for (final String topic : topics) {
                    missing.add(new TopicPartition(topic, -1));
                }
                return missing;
            }
            throw new IllegalStateException("Could not describe topics " + topics, e.getCause());
        }
        for (final TopicDescription description : descriptions.values()) {
            for (final TopicPartitionInfo partition : description.partitions()) {
                final TopicPartition tp = new TopicPartition(description.name(), partition.partition());
                expected.add(tp);
                if (partition.leader() == null || partition.leader().isEmpty()) {
                    missing.add(tp);
                }
            }
        }
        if (!missing.isEmpty()) {
            return missing;
        }
        final Set<TopicPartition> hosted = hostedPartitions(client, deadline);
        for (final TopicPartition tp : expected) {
            if (!hosted.contains(tp)) {
                missing.add(tp);
            }
        }
        return missing;
    }

    private static Set<TopicPartition> hostedPartitions(final Admin client, final long deadline)
            throws InterruptedException, TimeoutException {
        final Map<String, LogDirDescription> dirs;
        try {
            dirs = client.describeLogDirs(List.of(NODE_ID)).allDescriptions()
                    .get(Math.max(1, remainingMs(deadline)), TimeUnit.MILLISECONDS)
                    .getOrDefault(NODE_ID, Map.of());
        } catch (final ExecutionException e) {
            throw new IllegalStateException("Could not describe the broker's log dirs", e.getCause());
        }
        final Set<TopicPartition> hosted = new HashSet<>();
        for (final LogDirDescription dir : dirs.values()) {
            hosted.addAll(dir.replicaInfos().keySet());
        }
        return hosted;
    }

    private static long remainingMs(final long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private static void pause() throws InterruptedException {
        Thread.sleep(POLL_INTERVAL.toMillis());
    }

    private static List<String> names(final List<NewTopic> topics) {
        final List<String> names = new ArrayList<>();
        for (final NewTopic topic : topics) {
            names.add(topic.name());
        }
        return names;
    }

    /** Configures an {@link EmbeddedKafkaBroker}; every setting has a usable default. */
    public static final class Builder {

        private int port;
        private int controllerPort;
        private Path logDir;
        private boolean deleteOnClose = true;
        private int numPartitions = 1;
        private final Map<String, String> extraProperties = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration topicTimeout = Duration.ofSeconds(30);
        private BrokerSecurity security;
        private final List<String> superUsers = new ArrayList<>();

        private Builder() {
        }

        /**
         * Port of the client (PLAINTEXT) listener.
         *
         * @param port a port, or 0 (the default) to pick a free one at start
         * @return this builder
         */
        public Builder port(final int port) {
            this.port = requirePort(port);
            return this;
        }

        /**
         * Port of the KRaft controller listener.
         *
         * @param controllerPort a port, or 0 (the default) to pick a free one at start
         * @return this builder
         */
        public Builder controllerPort(final int controllerPort) {
            this.controllerPort = requirePort(controllerPort);
            return this;
        }

        /**
         * Directory for the broker's logs; created if missing, reused (not reformatted) if it
         * already holds a formatted broker.
         *
         * @param logDir the directory, or null (the default) for a fresh temporary directory
         * @return this builder
         */
        public Builder logDir(final Path logDir) {
            this.logDir = logDir;
            return this;
        }

        /**
         * Whether {@link EmbeddedKafkaBroker#close()} deletes the log dir.
         *
         * @param deleteOnClose true by default
         * @return this builder
         */
        public Builder deleteOnClose(final boolean deleteOnClose) {
            this.deleteOnClose = deleteOnClose;
            return this;
        }

        /**
         * Default partition count ({@code num.partitions}) for topics created without one.
         *
         * @param numPartitions at least 1; 1 by default
         * @return this builder
         */
        public Builder numPartitions(final int numPartitions) {
            if (numPartitions < 1) {
                throw new IllegalArgumentException("numPartitions must be at least 1: " + numPartitions);
            }
            this.numPartitions = numPartitions;
            return this;
        }

        /**
         * Adds or overrides one broker property; applied after the embedded defaults.
         *
         * @param name  property name, for example {@code log.retention.ms}
         * @param value property value
         * @return this builder
         */
        public Builder brokerProperty(final String name, final String value) {
            extraProperties.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Adds or overrides broker properties; applied after the embedded defaults.
         *
         * @param properties property names and values
         * @return this builder
         */
        public Builder brokerProperties(final Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /**
         * Secures the client listener: SASL_SSL with SCRAM-SHA-512 users and the certificate of
         * {@code material}, the {@code StandardAuthorizer} with nothing allowed unless an ACL grants
         * it. The broker's replication and its own admin use a PLAINTEXT listener on 127.0.0.1, as the
         * controller does.
         *
         * @param material   the certificates and users ({@link BrokerSecurity#prepare})
         * @param superUsers users allowed everything, e.g. {@code ledger}
         * @return this builder
         */
        public Builder secured(final BrokerSecurity material, final Collection<String> superUsers) {
            this.security = Objects.requireNonNull(material, "material");
            for (final String user : superUsers) {
                this.superUsers.add("User:" + user);
            }
            return this;
        }

        /**
         * How long {@link EmbeddedKafkaBroker#start()} may take before it gives up.
         *
         * @param startTimeout 60 seconds by default
         * @return this builder
         */
        public Builder startTimeout(final Duration startTimeout) {
            this.startTimeout = requirePositive(startTimeout, "startTimeout");
            return this;
        }

        /**
         * How long topic creation may wait for partition leaders.
         *
         * @param topicTimeout 30 seconds by default
         * @return this builder
         */
        public Builder topicTimeout(final Duration topicTimeout) {
            this.topicTimeout = requirePositive(topicTimeout, "topicTimeout");
            return this;
        }

        /**
         * Builds a broker that is not started yet.
         *
         * @return the broker; call {@link EmbeddedKafkaBroker#start()} on it
         */
        public EmbeddedKafkaBroker build() {
            if (port != 0 && port == controllerPort) {
                throw new IllegalArgumentException("port and controllerPort must differ: " + port);
            }
            return new EmbeddedKafkaBroker(this);
        }

        private static int requirePort(final int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("Not a port: " + port);
            }
            return port;
        }

        private static Duration requirePositive(final Duration duration, final String name) {
            Objects.requireNonNull(duration, name);
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive: " + duration);
            }
            return duration;
        }
    }
}
