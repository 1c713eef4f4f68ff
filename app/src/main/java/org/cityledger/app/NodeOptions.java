package org.cityledger.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.access.ReadToken;
import picocli.CommandLine.Option;

/** Options shared by the commands that run a ledger node. */
final class NodeOptions {

    /** The HTTP port: given, or derived from the instance number. */
    int resolvedHttpPort() {
        return httpPort != null ? httpPort : LedgerConfig.DEFAULT_HTTP_PORT + instance - 1;
    }

    /** Instances after the first join the first one's broker rather than starting their own. */
    boolean startsEmbeddedBroker() {
        return bootstrapServers == null && instance == 1;
    }

    String bootstrap() {
        return bootstrapServers != null ? bootstrapServers : "localhost:" + brokerPort;
    }

    /** The cluster and the client settings of --kafka-config. */
    KafkaConnection kafka(final String servers) {
        return KafkaConnection.of(servers, kafkaConfig);
    }


    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Use this Kafka cluster instead of starting an embedded broker.")
    String bootstrapServers;

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = {"Kafka client properties (security.protocol, sasl.*, ssl.*, ...) for every client the node",
                "makes: Kafka Streams and its internal clients, the HTTP ingest's producer, the admin. As Kafka's",
                "own tools take --command-config; keys the ledger sets itself (serializers, transactional.id, ...)",
                "are refused."})
    Path kafkaConfig;

    @Option(names = "--secure",
            description = {"Start the embedded broker secured: SASL_SSL with SCRAM-SHA-512, a CA and broker certificate",
                "made in the state directory on first start, ACLs (nothing allowed unless granted), a SCRAM user",
                "for the ledger and one per district office, each office writing only its inbox topic",
                "ledger.inbox.<district>. Needs --state-dir to keep certificates and passwords between runs."})
    boolean secure;

    @Option(names = "--inboxes",
            description = {"Also move the district offices' inbox topics ledger.inbox.<district> into the events topic",
                "(implied by --secure; give it to every instance joining a secured ledger, and on a secured",
                "cluster of your own whose ACLs confine each office to its inbox). On a cluster of your own it creates",
                "the inbox topics if missing and prints the kafka-acls commands still to grant ('ledger offices acls')."})
    boolean inboxes;

    @Option(names = "--https-keystore", paramLabel = "FILE",
            description = {"Serve the API over HTTPS with this PKCS12 keystore (key and certificate chain); its password",
                "from --https-keystore-password-file or the environment variable " + HTTPS_PASSWORD_VARIABLE + ".",
                "With --secure and without this option the API serves HTTPS with the generated broker certificate."})
    Path httpsKeystore;

    @Option(names = "--https-keystore-password-file", paramLabel = "FILE",
            description = "The --https-keystore password, the file's first line (keeps it out of the process list).")
    Path httpsKeystorePasswordFile;

    /** Where the HTTPS keystore's password is read from without a password file. */
    static final String HTTPS_PASSWORD_VARIABLE = "LEDGER_HTTPS_KEYSTORE_PASSWORD";

    /** The API's keystore from --https-keystore, or null for plain HTTP. */
    LedgerConfig.HttpsKeystore httpsKeystore() {
        if (httpsKeystore == null) {
            if (httpsKeystorePasswordFile != null) {
                throw new IllegalArgumentException("--https-keystore-password-file: only with --https-keystore");
            }
            return null;
        }
        if (!Files.isReadable(httpsKeystore)) {
            throw new IllegalArgumentException("--https-keystore: cannot read " + httpsKeystore);
        }
        final String password;
        if (httpsKeystorePasswordFile != null) {
            try {
                password = Files.readAllLines(httpsKeystorePasswordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").strip();
            } catch (final IOException e) {
                throw new IllegalArgumentException("--https-keystore-password-file: cannot read " + httpsKeystorePasswordFile, e);
            }
        } else {
            password = System.getenv(HTTPS_PASSWORD_VARIABLE);
        }
        if (password == null || password.isEmpty()) {
            throw new IllegalArgumentException("--https-keystore needs its password: --https-keystore-password-file FILE or "
                    + HTTPS_PASSWORD_VARIABLE);
        }
        return new LedgerConfig.HttpsKeystore(httpsKeystore, password);
    }

    @Option(names = "--broker-port", defaultValue = "9092", paramLabel = "PORT",
            description = "Port of the embedded broker (default: ${DEFAULT-VALUE}). Ignored with --bootstrap-servers.")
    int brokerPort;

    @Option(names = "--http-port", paramLabel = "PORT",
            description = "Port of the HTTP query API (default: 8080 for instance 1, 8081 for instance 2, ...).")
    Integer httpPort;

    @Option(names = "--instance", defaultValue = "1", paramLabel = "N",
            description = "Which instance on this machine: 1 (default) starts the embedded broker unless " +
                "--bootstrap-servers is given; 2, 3, ... join the cluster at localhost:--broker-port, serve " +
                "HTTP on 8080+N-1 and keep their own state, so three nodes run with three commands.")
    int instance;

    @Option(names = "--advertised-host", defaultValue = "localhost", paramLabel = "HOST",
            description = "Host name other ledger instances reach this one's HTTP API at (default: ${DEFAULT-VALUE}).")
    String advertisedHost;

    @Option(names = "--standby-replicas", defaultValue = "1", paramLabel = "N",
            description = "Warm copies of each partition's state on other instances, used while the active copy " +
                "is unavailable (queries with ?maxLag=) and for fast fail-over (default: ${DEFAULT-VALUE}).")
    int standbyReplicas;

    @Option(names = "--stream-threads", paramLabel = "N",
            description = "Kafka Streams threads of this node; each partition's work runs on one of them " +
                "(default: one per core, at most one per partition).")
    Integer streamThreads;

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "Where the node keeps its local state (default: a fresh temporary directory).")
    Path stateDir;

    @Option(names = "--partitions", defaultValue = "6", paramLabel = "N",
            description = "Partitions of the events topic when the ledger creates it (default: ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--replication-factor", defaultValue = "1", paramLabel = "N",
            description = "Replication of the topics the ledger creates (default: ${DEFAULT-VALUE}; use 3 on a 3-broker cluster).")
    short replicationFactor;

    @Option(names = "--application-id", defaultValue = "city-ledger", paramLabel = "ID",
            description = "Kafka Streams application id; nodes with the same id share the work (default: ${DEFAULT-VALUE}).")
    String applicationId;

    @Option(names = "--commit-interval", defaultValue = "PT0.1S", paramLabel = "DURATION",
            description = "How often totals are committed and become visible, ISO-8601 (default: ${DEFAULT-VALUE}).")
    Duration commitInterval;

    @Option(names = "--horizon", defaultValue = "P3650D", paramLabel = "DURATION",
            description = "How long event ids are remembered for de-duplication and corrections, and how far back " +
                "as-of totals are exact; older events are refused. ISO-8601 (default: ${DEFAULT-VALUE}, ten years).")
    Duration horizon;

    @Option(names = "--dedupe-filter-memory", defaultValue = "64", paramLabel = "MIB",
            description = "Heap per partition for the Bloom filters that spare most de-duplication lookups, in MiB " +
                "(default: ${DEFAULT-VALUE}, about 55 million event ids; beyond that more lookups go to disk).")
    long dedupeFilterMib;

    long dedupeFilterBytes() {
        return dedupeFilterMib << 20;
    }

    @Option(names = "--rocksdb-memory", defaultValue = "256", paramLabel = "MIB",
            description = "Off-heap memory all of this node's RocksDB stores share (block cache, index and filter " +
                "blocks, memtables), in MiB (default: ${DEFAULT-VALUE}). The node's RSS is about its heap (-Xmx) " +
                "plus this plus ~150 MiB; more makes audit and as-of reads of a long history faster.")
    long rocksDbMemoryMib;

    long rocksDbMemoryBytes() {
        return rocksDbMemoryMib << 20;
    }

    @Option(names = "--offices", paramLabel = "FILE",
            description = "District offices allowed to publish over HTTP: their districts and the hashes of their tokens, " +
                "one per line, as 'ledger offices add DISTRICT --offices FILE' writes them. Without it nobody " +
                "publishes over HTTP ('demo' makes one token per district and prints them).")
    Path offices;

    @Option(names = "--read-token", paramLabel = "TOKEN",
            description = "Make every read of the API need this bearer token (or an office's token). Also taken from " +
                "the environment variable LEDGER_READ_TOKEN, which keeps it out of the process list.")
    String readToken;

    @Option(names = "--cluster-secret-file", paramLabel = "FILE",
            description = "The secret ledger instances show each other on /internal/* (default: ${DEFAULT-VALUE}, " +
                "made with a random secret if missing, so instances on one machine share it; give every instance " +
                "the same file, or the environment variable LEDGER_CLUSTER_SECRET, on several machines).",
            defaultValue = "${sys:user.home}/.city-ledger/cluster-secret")
    Path clusterSecretFile;

    /** Who may do what over HTTP, from these options and the environment. */
    LedgerConfig.Access access() {
        final String token = readToken != null ? readToken : System.getenv("LEDGER_READ_TOKEN");
        return new LedgerConfig.Access(offices, token == null || token.isBlank() ? null : ReadToken.of(token),
                ClusterSecret.resolve(System.getenv(ClusterSecret.ENVIRONMENT_VARIABLE), clusterSecretFile));
    }
}
