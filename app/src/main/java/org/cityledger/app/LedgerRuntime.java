package org.cityledger.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.utils.Utils;
import org.cityledger.broker.BrokerSecurity;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.Reference;
import org.cityledger.schema.KafkaConnection;
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
    /** The ledger's own SCRAM user on a secured broker; a super user. */
    static final String LEDGER_USER = "ledger";
    /** Under the state directory: the secured broker's CA, certificates, passwords and client files. */
    static final String SECURITY_DIR = "security";
    /** The username in a SASL JAAS configuration (SCRAM, PLAIN). */
    private static final Pattern USERNAME = Pattern.compile("username=\"([^\"]+)\"");

    private final KafkaConnection kafka;
    private final BrokerSecurity security;
    private final Path tempStateDir;
    private final List<String> aclAdvice;

    private LedgerRuntime(final EmbeddedKafkaBroker broker, final LedgerNode node, final KafkaConnection kafka,
                          final BrokerSecurity security, final Path tempStateDir, final List<String> aclAdvice) {
        this.broker = broker;
        this.node = node;
        this.kafka = kafka;
        this.security = security;
        this.tempStateDir = tempStateDir;
        this.aclAdvice = aclAdvice;
    }

    static LedgerRuntime start(final NodeOptions options) throws InterruptedException {
        EmbeddedKafkaBroker broker = null;
        Path tempStateDir = null;
        try {
            if (options.instance < 1) {
                throw new IllegalArgumentException("--instance: must be 1 or more, got " + options.instance);
            }
            if (options.secure && !options.startsEmbeddedBroker()) {
                throw new IllegalArgumentException("--secure secures the embedded broker, which only instance 1 without "
                        + "--bootstrap-servers starts; to join a secured ledger give --kafka-config with the ledger's "
                        + "client properties and --inboxes");
            }
            if (options.secure && options.kafkaConfig != null) {
                throw new IllegalArgumentException("--secure makes the embedded broker's client settings itself; "
                        + "--kafka-config is for a cluster that exists already");
            }
            final Path stateDir;
            if (options.stateDir == null) {
                tempStateDir = Files.createTempDirectory("ledger-state-" + options.instance + "-");
                stateDir = tempStateDir;
            } else {
                stateDir = options.stateDir;
            }
            final KafkaConnection kafka;
            BrokerSecurity security = null;
            if (options.startsEmbeddedBroker()) {
                final EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder().port(options.brokerPort)
                        .numPartitions(options.partitions);
                if (options.secure) {
                    security = BrokerSecurity.prepare(stateDir.resolve(SECURITY_DIR), secureUsers());
                    builder.secured(security, List.of(LEDGER_USER));
                }
                broker = builder.build().start();
                kafka = security == null ? options.kafka(broker.bootstrapServers())
                        : new KafkaConnection(broker.bootstrapServers(), security.clientSettings(LEDGER_USER));
            } else {
                kafka = options.kafka(options.bootstrap());
            }
            final int partitions = TopicSetup.ensureTopics(kafka, options.partitions, options.replicationFactor);
            final boolean inboxes = options.secure || options.inboxes;
            List<String> aclAdvice = List.of();
            if (options.secure) {
                TopicSetup.ensureInboxes(kafka, districts(), partitions, options.replicationFactor,
                        options.applicationId, LEDGER_USER);
            } else if (inboxes) {
                // a cluster of the city's own: the ledger makes the inboxes it reads, but the ACLs that confine
                // the offices are the operator's to grant (a ledger able to grant ACLs could grant itself anything)
                TopicSetup.ensureInboxTopics(kafka, districts(), partitions, options.replicationFactor);
                aclAdvice = aclAdvice(kafka, options.applicationId);
            }
            final LedgerConfig config = new LedgerConfig(options.applicationId, kafka, stateDir, options.advertisedHost,
                    options.resolvedHttpPort(), options.commitInterval, options.replicationFactor, options.standbyReplicas,
                    options.streamThreads == null ? LedgerConfig.defaultStreamThreads() : options.streamThreads,
                    EventRules.DEFAULT_FUTURE_SKEW, options.horizon, options.dedupeFilterBytes(), options.access(), inboxes,
                    https(options, security), options.rocksDbMemoryBytes());
            final LedgerNode node = new LedgerNode(config).start();
            if (!node.awaitRunning(Duration.ofSeconds(120))) {
                node.close();
                throw new IllegalStateException("the ledger did not reach RUNNING within 120 s (state "
                        + node.streams().state() + ")");
            }
            return new LedgerRuntime(broker, node, kafka, security, tempStateDir, aclAdvice);
        } catch (final IOException e) {
            closeQuietly(broker);
            throw new UncheckedIOException("cannot create a state directory", e);
        } catch (final RuntimeException | InterruptedException e) {
            closeQuietly(broker);
            deleteQuietly(tempStateDir);
            throw e;
        }
    }

    /**
     * What the operator must still grant for inboxes on a cluster of their own: the kafka-acls commands of
     * the ACLs the cluster lacks, all of them when the ledger may not see its ACLs, none when all are held.
     */
    private static List<String> aclAdvice(final KafkaConnection kafka, final String applicationId) {
        final List<AclBinding> wanted = TopicSetup.inboxAcls(districts(), applicationId, ledgerUser(kafka));
        final Optional<List<AclBinding>> missing = TopicSetup.missingAcls(kafka, wanted);
        if (missing.isPresent() && missing.get().isEmpty()) {
            LOG.info("The cluster holds the ACLs that confine each office to its inbox");
            return List.of();
        }
        final List<String> advice = new ArrayList<>();
        advice.add(missing.isPresent()
                ? "The cluster lacks ACLs a secured ledger needs: offices are not confined to their inboxes until an "
                        + "administrator grants them:"
                : "The ledger cannot see the cluster's ACLs (describing them needs DESCRIBE on the cluster). Unless an "
                        + "administrator granted them, offices are not confined to their inboxes; grant with:");
        KafkaAcls.commands(missing.orElse(wanted), kafka.bootstrapServers(), "<admin.properties>")
                .forEach(command -> advice.add("  " + command));
        advice.add("('ledger offices acls --help' prints them for any application id and ledger user.)");
        return List.copyOf(advice);
    }

    /** The principal name the ledger authenticates as: the SASL username of its client settings, else {@link #LEDGER_USER}. */
    private static String ledgerUser(final KafkaConnection kafka) {
        final Object jaas = kafka.clientProperties().get(SaslConfigs.SASL_JAAS_CONFIG);
        final Matcher matcher = USERNAME.matcher(jaas == null ? "" : jaas.toString());
        return matcher.find() ? matcher.group(1) : LEDGER_USER;
    }

    /** The given keystore; on a secured broker without one, the broker's own certificate (for localhost and 127.0.0.1). */
    private static LedgerConfig.HttpsKeystore https(final NodeOptions options, final BrokerSecurity security) {
        final LedgerConfig.HttpsKeystore given = options.httpsKeystore();
        if (given != null || security == null) {
            return given;
        }
        return new LedgerConfig.HttpsKeystore(security.keystore(), security.keystorePassword());
    }

    /**
     * An HTTP client for this runtime's own API: over HTTPS on a secured broker it trusts the
     * generated CA (and nothing else), as a client given the truststore would.
     */
    HttpClient httpClient() {
        if (security == null) {
            return HttpClient.newHttpClient();
        }
        try {
            final KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(security.truststore())) {
                trust.load(in, security.truststorePassword().toCharArray());
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).build();
        } catch (final IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the truststore " + security.truststore(), e);
        }
    }

    /** The ledger and one SCRAM user per district office, named by its district code. */
    private static List<String> secureUsers() {
        final List<String> users = new ArrayList<>();
        users.add(LEDGER_USER);
        users.addAll(districts());
        return users;
    }

    private static List<String> districts() {
        return Reference.DISTRICTS.stream().map(Reference.Code::code).toList();
    }

    /** The cluster and the client settings every client of this runtime uses. */
    /** For inboxes on a cluster of the operator's own: the ACLs still to grant, as lines to print; empty if none. */
    List<String> aclAdvice() {
        return aclAdvice;
    }

    KafkaConnection kafka() {
        return kafka;
    }

    /** The secured broker's certificates and users; null unless --secure. */
    BrokerSecurity security() {
        return security;
    }

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    LedgerNode node() {
        return node;
    }

    String apiUrl() {
        return node.scheme() + "://localhost:" + node.httpPort();
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
