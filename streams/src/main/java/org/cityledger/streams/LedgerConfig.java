package org.cityledger.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsConfig;
import org.cityledger.domain.EventRules;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.access.ReadToken;
import org.cityledger.streams.state.RocksDbMemory;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;

/**
 * Everything a ledger node is configured with, validated once when it is built. The launcher reads
 * it from the command line; tests build it directly. Nothing else in the ledger reads system
 * properties or the environment.
 *
 * @param applicationId       Kafka Streams application id: names the consumer group and internal topics
 * @param kafka               the Kafka cluster and the client settings every client of the node uses
 *                            ({@code --kafka-config}: security)
 * @param stateDir            where this node keeps its local state stores
 * @param advertisedHost      host name other ledger instances reach this one's HTTP API at
 * @param httpPort            port of the query API (0 picks a free one, for tests)
 * @param commitInterval      how often the ledger commits; totals become visible to queries at each commit
 * @param replicationFactor   replication of the ledger's internal topics (1 on the embedded broker)
 * @param standbyReplicas     warm copies of each task's state on other nodes
 * @param streamThreads       Kafka Streams threads of this node: tasks (one per partition) are spread over them
 * @param maxFutureSkew       how far in the future an event's occurredAt may lie before it is refused
 * @param horizon             how long event ids are remembered (de-duplication, corrections) and how far
 *                            back as-of totals are exact; events older than this are refused
 * @param dedupeFilterBytes   heap each partition's Bloom filters in front of the event index may take
 *                            (about 1.2 bytes per remembered event; past it, more lookups reach RocksDB)
 * @param access              who may publish, read and ask as a peer ({@link Access})
 * @param inboxes             whether district offices publish into their own inbox topics
 *                            ({@link Topics#inbox(String)}, a secured cluster), which the ledger moves into
 *                            the events topic; off, the events topic is the only input
 * @param https               the keystore the API serves HTTPS with ({@code --https-keystore}); null: plain HTTP
 * @param rocksDbMemoryBytes  off-heap memory all of the node's RocksDB stores share: block cache, index and
 *                            filter blocks and memtables ({@link RocksDbMemory}); the node's RSS is about its
 *                            heap plus this
 */
public record LedgerConfig(
        String applicationId,
        KafkaConnection kafka,
        Path stateDir,
        String advertisedHost,
        int httpPort,
        Duration commitInterval,
        int replicationFactor,
        int standbyReplicas,
        int streamThreads,
        Duration maxFutureSkew,
        Duration horizon,
        long dedupeFilterBytes,
        Access access,
        boolean inboxes,
        HttpsKeystore https,
        long rocksDbMemoryBytes) {

    public static final String DEFAULT_APPLICATION_ID = "city-ledger";
    public static final int DEFAULT_HTTP_PORT = 8080;
    /** How long a stream thread may spend between polls and inside one transaction (index rebuilds). */
    static final int REBUILD_ALLOWANCE_MS = 300_000;
    /** Event times are kept as milliseconds after 1970; fifty years back stays clear of that. */
    public static final Duration MAX_HORIZON = Duration.ofDays(50 * 365);
    /** 64 MiB per partition: about 55 million event ids before the filters stop growing. */
    public static final long DEFAULT_DEDUPE_FILTER_BYTES = 64L << 20;
    /** 256 MiB for every RocksDB store of a node together ({@code --rocksdb-memory}); BENCHMARKS.md says what it costs. */
    public static final long DEFAULT_ROCKSDB_MEMORY_BYTES = 256L << 20;
    /** The filters' smallest useful size: one filter of 65,536 ids. */
    public static final long MIN_DEDUPE_FILTER_BYTES = 128L << 10;

    public LedgerConfig {
        requireText(applicationId, "applicationId");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(stateDir, "stateDir");
        requireText(advertisedHost, "advertisedHost");
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("httpPort: must be between 0 and 65535, got " + httpPort);
        }
        requirePositive(commitInterval, "commitInterval");
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replicationFactor: must be at least 1, got " + replicationFactor);
        }
        if (standbyReplicas < 0) {
            throw new IllegalArgumentException("standbyReplicas: must not be negative, got " + standbyReplicas);
        }
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads: must be at least 1, got " + streamThreads);
        }
        requirePositive(maxFutureSkew, "maxFutureSkew");
        requirePositive(horizon, "horizon");
        if (horizon.compareTo(MAX_HORIZON) > 0) {
            throw new IllegalArgumentException("horizon: must be at most " + MAX_HORIZON + ", got " + horizon);
        }
        Objects.requireNonNull(access, "access");
        if (dedupeFilterBytes < MIN_DEDUPE_FILTER_BYTES) {
            throw new IllegalArgumentException("dedupeFilterBytes: must be at least " + MIN_DEDUPE_FILTER_BYTES + ", got "
                    + dedupeFilterBytes);
        }
        if (rocksDbMemoryBytes < RocksDbMemory.MIN_BYTES) {
            throw new IllegalArgumentException("rocksDbMemoryBytes: must be at least " + RocksDbMemory.MIN_BYTES + ", got "
                    + rocksDbMemoryBytes);
        }
    }

    /**
     * Defaults: commit every 100 ms (totals become visible at commits), replication 1, one standby (used as soon as a second instance
     * joins), a stream thread per core, 5 minutes of clock skew, a horizon of ten years, advertised as localhost.
     */
    public static LedgerConfig defaults(final String bootstrapServers, final Path stateDir) {
        return new LedgerConfig(DEFAULT_APPLICATION_ID, KafkaConnection.plain(bootstrapServers), stateDir, "localhost", DEFAULT_HTTP_PORT,
                Duration.ofMillis(100), 1, 1, defaultStreamThreads(), EventRules.DEFAULT_FUTURE_SKEW, EventRules.DEFAULT_HORIZON,
                DEFAULT_DEDUPE_FILTER_BYTES, Access.NONE, false, null, DEFAULT_ROCKSDB_MEMORY_BYTES);
    }

    public LedgerConfig withStateDir(final Path dir) {
        return new LedgerConfig(applicationId, kafka, dir, advertisedHost, httpPort, commitInterval,
                replicationFactor, standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withStandbyReplicas(final int replicas) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval,
                replicationFactor, replicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withStreamThreads(final int threads) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval,
                replicationFactor, standbyReplicas, threads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    /**
     * One stream thread per core, at most one per partition of the events topic: the ledger's work
     * per event is CPU (decoding, rules, RocksDB, totals), and its tasks are independent.
     */
    public static int defaultStreamThreads() {
        return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), Topics.DEFAULT_PARTITIONS));
    }

    public EventRules eventRules() {
        return new EventRules(maxFutureSkew, horizon);
    }

    public LedgerConfig withHorizon(final Duration value) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, value, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withHttpPort(final int port) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, port, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withApplicationId(final String id) {
        return new LedgerConfig(id, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withCommitInterval(final Duration interval) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, interval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withDedupeFilterBytes(final long bytes) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, bytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withRocksDbMemoryBytes(final long bytes) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, bytes);
    }

    public LedgerConfig withKafka(final KafkaConnection connection) {
        return new LedgerConfig(applicationId, connection, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withInboxes(final boolean value) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, value, https, rocksDbMemoryBytes);
    }

    public LedgerConfig withHttps(final HttpsKeystore value) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, access, inboxes, value, rocksDbMemoryBytes);
    }

    /**
     * A PKCS12 keystore holding the API's key and certificate chain.
     *
     * @param keystore the file
     * @param password its password, also the key's
     */
    public record HttpsKeystore(Path keystore, String password) {

        public HttpsKeystore {
            Objects.requireNonNull(keystore, "keystore");
            Objects.requireNonNull(password, "password");
        }

        @Override
        public String toString() {
            return "HttpsKeystore[" + keystore + "]";
        }
    }

    /** The cluster's bootstrap servers. */
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    public LedgerConfig withAccess(final Access value) {
        return new LedgerConfig(applicationId, kafka, stateDir, advertisedHost, httpPort, commitInterval, replicationFactor,
                standbyReplicas, streamThreads, maxFutureSkew, horizon, dedupeFilterBytes, value, inboxes, https, rocksDbMemoryBytes);
    }

    /**
     * Who may do what over HTTP.
     *
     * @param officesFile   the offices and hashes of their tokens ({@code --offices}); null: no office may publish
     * @param readToken     needed for every read when set; null: reads are open
     * @param clusterSecret what instances show each other on {@code /internal/*}; null only for a lone test
     *                      node (then {@code /internal/*} is open, and the node says so in its log)
     */
    public record Access(Path officesFile, ReadToken readToken, ClusterSecret clusterSecret) {

        /** Nobody publishes, everyone reads, peers unchecked: the read API in tests. */
        public static final Access NONE = new Access(null, null, null);
    }

    /** Kafka Streams properties of this node. */
    // PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG is deprecated only because Kafka 5.0 makes it the default
    @SuppressWarnings("deprecation")
    public Properties streamsProperties() {
        // the operator's client settings (security) first, unprefixed: Streams hands them to all its clients
        final Properties props = kafka.clientProperties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitInterval.toMillis());
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replicationFactor);
        props.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, standbyReplicas);
        props.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.StringSerde.class);
        props.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
        props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, advertisedHost + ":" + httpPort);
        // the ledger has no global stores; opting in now silences Kafka's deprecation warning at start
        props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        // each stream thread's partition assignor builds its own StreamsConfig from the main consumer's settings,
        // which Streams strips of its own keys: without this copy that one finds the default and warns per thread
        props.put(StreamsConfig.mainConsumerPrefix(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG), true);
        // each task reads one partition, so there is nothing to wait for before processing; -1 also
        // skips Kafka's per-loop idling bookkeeping, which was ~10% of the stream thread
        props.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        // a task that opens without its event index rebuilds it on the stream thread (~80k records/s), while
        // the thread's transaction may be open: Streams' 10 s would abort it after ~1M records and wipe every
        // task of the thread; 5 minutes matches max.poll.interval.ms, the other limit such a rebuild meets
        props.put(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG), REBUILD_ALLOWANCE_MS);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG), REBUILD_ALLOWANCE_MS);
        // larger fetches and batches: the ledger is throughput-bound on small records
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 2_000);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 10);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 262_144);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        return props;
    }

    private static void requireText(final String value, final String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": is required");
        }
    }

    private static void requirePositive(final Duration value, final String name) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + ": must be a positive duration, got " + value);
        }
    }
}
