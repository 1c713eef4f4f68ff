package org.cityledger.streams;

import io.javalin.Javalin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.producers.IngestJson;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.streams.access.AccessPolicy;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.http.ApiMetrics;
import org.cityledger.streams.http.LedgerHttpServer;
import org.cityledger.streams.peer.HttpPeers;
import org.cityledger.streams.peer.PeerTls;
import org.cityledger.streams.ingest.IngestService;
import org.cityledger.streams.live.KafkaFeed;
import org.cityledger.streams.live.LiveHub;
import org.cityledger.streams.live.LiveService;
import org.cityledger.streams.query.CommittedSnapshots;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.LocalPartials;
import org.cityledger.streams.query.PartialTotalsSource;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.StreamsCluster;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.state.CommitGate;
import org.cityledger.streams.state.RetiredStores;
import org.cityledger.streams.state.RocksDbMemory;
import org.cityledger.streams.topology.LedgerTopology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running ledger node: the topology on Kafka Streams and the HTTP API over its stores and, via
 * the {@link Router}, over its peers'. The topics must exist ({@link TopicSetup}). Closing stops
 * HTTP first, then Streams, so no request is answered from a closing store.
 */
public final class LedgerNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerNode.class);
    /** How long a fan-out waits for a peer before treating its partitions as unavailable. */
    private static final Duration PEER_TIMEOUT = Duration.ofSeconds(5);
    /** How often the live picture looks for commits: about two commit intervals' worth of coalescing. */
    private static final Duration LIVE_INTERVAL = Duration.ofMillis(200);

    private final LedgerConfig config;
    private final KafkaStreams streams;
    /** The stores the topology names: any other store directory under this node's state is a retired one. */
    private final Set<String> stores;
    private final Javalin http;
    private final HttpPeers peers;
    private final LedgerPublisher ingestPublisher;
    private final ApiMetrics metrics;
    private final TotalsService totals;
    private final LiveService live;
    private final RocksDbMemory rocksDbMemory;
    private final CountDownLatch running = new CountDownLatch(1);
    private final AtomicLong stateChanges = new AtomicLong();
    private final CountDownLatch failed = new CountDownLatch(1);
    private volatile Throwable failure;

    public LedgerNode(final LedgerConfig requested) {
        this(requested, null, CommitGate.Observer.NONE, LiveHub.Limits.DEFAULTS);
    }

    /**
     * A node whose Kafka clients come from {@code clients} (null: the usual ones) and whose commit
     * protocol {@code observer} watches: for tests that inject faults into the transactions.
     */
    LedgerNode(final LedgerConfig requested, final KafkaClientSupplier clients, final CommitGate.Observer observer) {
        this(requested, clients, observer, LiveHub.Limits.DEFAULTS);
    }

    /** A node whose live stream keeps and allows {@code live}: for tests of slow clients and resuming. */
    LedgerNode(final LedgerConfig requested, final KafkaClientSupplier clients, final CommitGate.Observer observer,
               final LiveHub.Limits live) {
        // other instances must know our port before Streams starts, so "any free port" is chosen now
        this.config = requested.httpPort() == 0 ? requested.withHttpPort(freePort()) : requested;
        final int partitions;
        try (Admin admin = Admin.create(config.kafka().clientProperties())) {
            partitions = TopicSetup.partitionCount(admin);
        }
        final CommitGate gate = new CommitGate(observer);
        this.rocksDbMemory = new RocksDbMemory(config.rocksDbMemoryBytes());
        final Properties streamsProperties = config.streamsProperties();
        // every store of the node shares one bounded cache and memtable budget (RocksDbMemory); Streams hands it to the setter
        streamsProperties.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, RocksDbMemory.Setter.class);
        streamsProperties.put(RocksDbMemory.CONFIG, rocksDbMemory);
        final Topology topology = LedgerTopology.build(config, gate);
        this.stores = RetiredStores.namedBy(topology.describe());
        this.streams = new KafkaStreams(topology, streamsProperties,
                clients == null ? gate.clientSupplier() : gate.clientSupplier(clients));
        this.streams.setStateListener((now, before) -> {
            // Kafka's own INFO lines are filtered out; an operator reading why a node paused answering needs these
            LOG.info("Ledger node state {} -> {}", before, now);
            stateChanges.incrementAndGet();
            if (now == KafkaStreams.State.RUNNING) {
                running.countDown();
            }
        });
        final ThreadFailures threadFailures = new ThreadFailures(config.streamThreads());
        this.streams.setUncaughtExceptionHandler(e -> {
            if (threadFailures.responseTo(e) == StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
                LOG.error("Ledger stream thread failed on the cluster; replacing it (its tasks resume from their last commit)", e);
                return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
            }
            // bad input never gets here (it is dead-lettered)
            LOG.error("Ledger stream thread failed; shutting the node down: {}", threadFailures.whyStopped(e), e);
            failure = e;
            failed.countDown();
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        final HostInfo self = new HostInfo(config.advertisedHost(), config.httpPort());
        final LocalPartials local = new LocalPartials(streams, Router.hostId(self));
        this.metrics = new ApiMetrics(() -> streams);
        final LedgerConfig.Access access = config.access();
        if (access.clusterSecret() == null) {
            LOG.warn("No cluster secret: /internal/* on port {} answers anyone who reaches it. The launcher always sets one; "
                    + "set LedgerConfig.Access.clusterSecret when embedding a node", config.httpPort());
        }
        // an instance serving HTTPS asks its peers over HTTPS too: every instance of one application id
        // serves the same scheme, and the cluster secret then never travels in the clear
        this.peers = new HttpPeers(PEER_TIMEOUT, config.https() == null ? null : PeerTls.trustingOwnChain(config.https()),
                access.clusterSecret() == null ? Map.of()
                : Map.of(ClusterSecret.HEADER, access.clusterSecret().value()));
        final Router router = new Router(new StreamsCluster(streams), self, local, peers, partitions,
                PEER_TIMEOUT, route -> metrics.recordQuery(route.name().toLowerCase(Locale.ROOT)));
        // a rebalance may move partitions away without a commit here: it, too, retires the snapshots
        this.totals = new TotalsService(new CommittedSnapshots(PartialTotalsSource.of(router), Router.hostId(self),
                () -> {
                    final long publications = gate.settledPublications();
                    return publications == CommitGate.UNSETTLED ? CommittedSnapshots.UNSETTLED : publications + stateChanges.get();
                }), Clock.systemUTC(), config.horizon());
        final OfficeRegistry offices = access.officesFile() == null ? OfficeRegistry.NONE : OfficeRegistry.load(access.officesFile());
        if (access.officesFile() != null) {
            LOG.info("{} office token(s) of {} district(s) may publish over HTTP ({})", offices.offices().size(),
                    offices.offices().stream().map(Office::district).distinct().count(), access.officesFile());
        }
        this.ingestPublisher = new LedgerPublisher(config.kafka(), ingestProducerSettings(config));
        final IngestService ingest = new IngestService(new IngestJson(Clock.systemUTC(), config.eventRules()),
                ingestPublisher::publish,
                (project, eventId) -> router.event(project, eventId).value().map(e -> e.contribution().district()),
                router::verdicts);
        final LiveHub hub = new LiveHub(live, LedgerHttpServer.liveEncoder(local.self()), Clock.systemUTC());
        this.live = new LiveService(() -> router.gather(PartialsRequest.partitionTotals(), null).value(),
                new KafkaFeed(config.bootstrapServers(), config.applicationId() + "-live-" + config.httpPort(),
                        project -> router.facts(project).value()),
                hub, LIVE_INTERVAL);
        this.http = LedgerHttpServer.create(new LedgerHttpServer.Services(totals, DeadLetterService.of(router), router, local,
                ingest, new AccessPolicy(offices, access.readToken(), access.clusterSecret()), metrics, this.live), config.https(), config.httpPort());
    }

    /** The HTTP ingest's producer: the publisher's safe defaults, named so that the broker's logs tell it apart. */
    private static Properties ingestProducerSettings(final LedgerConfig config) {
        final Properties props = new Properties();
        props.put(ProducerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-http-ingest-" + config.httpPort());
        // an office's answer waits for its acknowledgement: a short linger keeps that wait short
        props.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        return props;
    }

    public LedgerNode start() {
        // before Streams opens any task's stores: none of them is in use yet
        for (final RetiredStores.Removed removed : RetiredStores.remove(config.stateDir().resolve(config.applicationId()), stores)) {
            LOG.info("removed {} ({} MiB): no store of this version's topology has that name", removed.dir(),
                    removed.bytes() >> 20);
        }
        streams.start();
        http.start(config.httpPort());
        live.start();
        LOG.info("Ledger node {} ({}:{}) serving {}://localhost:{}/api/totals/summary", config.applicationId(),
                config.advertisedHost(), config.httpPort(), scheme(), http.port());
        return this;
    }

    /** Blocks until the node has been running (restored and processing) once, or the timeout passes. */
    public boolean awaitRunning(final Duration timeout) throws InterruptedException {
        return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Blocks until the node fails; returns the failure. For the launcher's foreground mode. */
    public Throwable awaitFailure() throws InterruptedException {
        failed.await();
        return failure;
    }

    /** {@code https} when the API serves TLS, else {@code http}. */
    public String scheme() {
        return config.https() == null ? "http" : "https";
    }

    public int httpPort() {
        return http.port();
    }

    public LedgerConfig config() {
        return config;
    }

    /** The totals as this node answers them over HTTP, for in-process callers (tests, the benchmark). */
    public TotalsService totals() {
        return totals;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The live picture this node pushes to its dashboards. */
    public LiveService live() {
        return live;
    }

    @Override
    public void close() {
        http.stop();
        live.close();
        // before Streams: the binder's refresh must not read a client that is tearing down
        metrics.close();
        peers.close();
        try {
            // after HTTP: every publication a request answered is acknowledged; this waits for none still in flight
            ingestPublisher.close();
        } catch (final RuntimeException e) {
            LOG.warn("the HTTP ingest's producer did not close cleanly: {}", e.toString());
        }
        // no cleanUp(): local state is what makes a restart fast; EOS keeps it consistent.
        // Leaving the group hands this node's partitions over at once instead of after the session timeout.
        final boolean closed = streams.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(30)));
        if (closed) {
            rocksDbMemory.close();
        } else {
            // a store may still be open on a thread that did not stop: freeing its cache under it would crash the JVM
            LOG.warn("Kafka Streams did not close within 30 s; the RocksDB cache is left to the process's exit");
        }
        LOG.info("Ledger node {} ({}:{}) stopped", config.applicationId(), config.advertisedHost(), config.httpPort());
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (final IOException e) {
            throw new UncheckedIOException("no free port for the HTTP API", e);
        }
    }
}
