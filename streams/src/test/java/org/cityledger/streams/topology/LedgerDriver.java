package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.common.utils.Bytes;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.state.AsOfTotals;
import org.cityledger.streams.state.CommitGate;
import org.cityledger.streams.state.CommitGatedStore;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.state.DeadLetterQuery;
import org.cityledger.streams.state.EventIndex;
import org.cityledger.streams.state.HistorySnapshot;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.cityledger.streams.state.AuditIndex;
import org.cityledger.streams.state.TotalsStore;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The ledger topology in a {@link TopologyTestDriver}, with the questions tests ask of it. The driver
 * commits after every record it pipes and every punctuation; it has no producer of the ledger's, so
 * this class tells the {@link CommitGate} each time, as the ledger's producer would.
 */
final class LedgerDriver implements AutoCloseable {

    static final Instant NOW = Instant.parse("2022-03-01T00:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

    private final CommitGate gate = new CommitGate();
    private final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> events;
    private final TestOutputTopic<String, byte[]> deadLetters;

    LedgerDriver(final Path stateDir) {
        this(LedgerConfig.defaults("unused:9092", stateDir));
    }

    LedgerDriver(final LedgerConfig config) {
        this(config, PartitionHistory.NONE);
    }

    /** A driver whose tasks rebuild their event index from {@code history} when they open without it. */
    LedgerDriver(final LedgerConfig config, final PartitionHistory history) {
        driver = new TopologyTestDriver(LedgerTopology.build(config, history, gate), config.streamsProperties(), NOW);
        // records arrive "now": the time rules judge occurredAt against the record's timestamp
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void publish(final LedgerEvent event) {
        events.pipeInput(event.project().id(), CODEC.encode(event));
        gate.committed();
    }

    /** Publishes with a record timestamp (the broker's arrival time) other than {@link #NOW}. */
    void publishArrivingAt(final LedgerEvent event, final Instant arrival) {
        events.pipeInput(event.project().id(), CODEC.encode(event), arrival);
        gate.committed();
    }

    /** Publishes as {@code district}'s office does on a secured cluster: into its inbox (needs {@link LedgerConfig#inboxes()}). */
    void publishToInbox(final String district, final LedgerEvent event) {
        publishRawToInbox(district, event.project().id(), CODEC.encode(event));
    }

    /** As {@link #publishToInbox(String, LedgerEvent)}, with headers the office wrote on the record. */
    void publishToInbox(final String district, final LedgerEvent event, final Headers headers) {
        driver.createInputTopic(Topics.inbox(district), new StringSerializer(), new ByteArraySerializer(), NOW, Duration.ZERO)
                .pipeInput(new TestRecord<>(event.project().id(), CODEC.encode(event), headers, NOW));
        gate.committed();
    }

    void publishRawToInbox(final String district, final String key, final byte[] value) {
        driver.createInputTopic(Topics.inbox(district), new StringSerializer(), new ByteArraySerializer(), NOW, Duration.ZERO)
                .pipeInput(key, value);
        gate.committed();
    }

    /** Every record written to the events topic by the topology itself (the inbox stage), in order. */
    List<TestRecord<String, byte[]>> writtenToEvents() {
        return new ArrayList<>(driver.createOutputTopic(Topics.EVENTS, new StringDeserializer(), new ByteArrayDeserializer())
                .readRecordsToList());
    }

    void publishRaw(final String key, final byte[] value) {
        events.pipeInput(key, value);
        gate.committed();
    }

    /** Writes the events topic directly with {@code headers}, as the ledger's own inbox stage or a producer does. */
    void publishWithHeaders(final LedgerEvent event, final Headers headers) {
        events.pipeInput(new TestRecord<>(event.project().id(), CODEC.encode(event), headers, NOW));
        gate.committed();
    }

    /** How many records the ledger refused, as its committed totals count them (the summary's dead-letter count). */
    long deadLetterCount() {
        return totalsStore().participant().committed().deadLetters();
    }

    static byte[] encode(final LedgerEvent event) {
        return CODEC.encode(event);
    }

    static LedgerEvent decode(final byte[] bytes) {
        return CODEC.decode(bytes);
    }

    /** Lets the ledger take its next turn: its punctuations run. */
    private void nextTurn() {
        advanceWallClock(Duration.ofMillis(20));
    }

    Totals totals(final String key) {
        return totalsStore().participant().committed().slices().getOrDefault(key, Totals.EMPTY);
    }

    /** As-of totals the way the query layer asks: the committed history, then the asked period's index entries. */
    Totals totalsAsOf(final String key, final Instant asOf) {
        final var history = totalsStore().participant().history();
        // an as-of question makes the history publish at the next turn, as on an idle ledger
        nextTurn();
        final HistorySnapshot snapshot = history.getNow(null);
        if (snapshot == null) {
            throw new AssertionError("the history was not published at the ledger's next turn");
        }
        final long period = TotalsKey.period(asOf.toEpochMilli());
        final KeyValueStore<Bytes, byte[]> audit = driver.getKeyValueStore(LedgerTopology.AUDIT_STORE);
        try (KeyValueIterator<Bytes, byte[]> samePeriod = audit.range(AuditIndex.timelineFrom(TotalsKey.periodStart(period)),
                AuditIndex.timelineTo(asOf.toEpochMilli()))) {
            final List<SliceEvent> entries = new ArrayList<>();
            samePeriod.forEachRemaining(entry -> entries.add(SliceEvent.fromBytes(entry.value)));
            return AsOfTotals.of(snapshot, key, asOf.toEpochMilli(), entries.iterator()).getOrDefault(key, Totals.EMPTY);
        }
    }

    Map<String, Totals> allTotals(final String prefix) {
        return Map.copyOf(totalsStore().participant().committed().withPrefix(prefix));
    }

    DeadLetterPage deadLetterPage(final String before, final int limit) {
        final CommitGatedStore<?> store = (CommitGatedStore<?>) driver.getStateStore(LedgerTopology.DEAD_LETTER_STORE);
        return store.query(new DeadLetterQuery(before, limit), PositionBound.unbounded(), new QueryConfig(false)).getResult();
    }

    /** Lets wall-clock time pass, running what the ledger schedules meanwhile (e.g. forgetting old events). */
    void advanceWallClock(final Duration duration) {
        driver.advanceWallClockTime(duration);
        gate.committed();
    }

    /** What the ledger recorded of every record of {@code project}, in arrival order (committed or not). */
    List<ProjectFact> facts(final String project) {
        final KeyValueStore<Bytes, byte[]> history = driver.getKeyValueStore(LedgerTopology.AUDIT_STORE);
        final List<ProjectFact> facts = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> all = history.range(AuditIndex.firstOf(project),
                AuditIndex.lastOf(project))) {
            all.forEachRemaining(entry -> facts.add(ProjectFact.fromBytes(entry.value)));
        }
        return facts;
    }

    /** The counted events the audit store lists between two of its keys ({@link AuditIndex}'s timeline or a cell), in key order. */
    List<SliceEvent> listed(final Bytes from, final Bytes to) {
        final KeyValueStore<Bytes, byte[]> history = driver.getKeyValueStore(LedgerTopology.AUDIT_STORE);
        final List<SliceEvent> events = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> range = history.range(from, to)) {
            range.forEachRemaining(entry -> events.add(SliceEvent.fromBytes(entry.value)));
        }
        return events;
    }

    /** Whether the ledger still remembers the event id (to recognise a re-delivery). */
    boolean remembers(final String eventId) {
        final KeyValueStore<Bytes, byte[]> index = driver.getKeyValueStore(LedgerTopology.EVENT_INDEX_STORE);
        return index.get(EventIndex.key(eventId)) != null;
    }

    @SuppressWarnings("unchecked")
    private CommitGatedStore<TotalsStore> totalsStore() {
        return (CommitGatedStore<TotalsStore>) driver.getStateStore(LedgerTopology.TOTALS_STORE);
    }

    TestRecord<String, byte[]> nextDeadLetter() {
        return deadLetters.readRecord();
    }

    List<TestRecord<String, byte[]>> allDeadLetters() {
        return new ArrayList<>(deadLetters.readRecordsToList());
    }

    boolean noDeadLetters() {
        return deadLetters.isEmpty();
    }

    static String header(final TestRecord<String, byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        driver.close();
    }
}
