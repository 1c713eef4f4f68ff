package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.state.DeadLetterStore;
import org.cityledger.streams.state.TotalsStore;
import org.cityledger.streams.totals.Totals;

/** The ledger topology in a {@link TopologyTestDriver}, with the questions tests ask of it. */
final class LedgerDriver implements AutoCloseable {

    static final Instant NOW = Instant.parse("2022-03-01T00:00:00Z");
    private static final EventCodec CODEC = new EventCodec();

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
        driver = new TopologyTestDriver(LedgerTopology.build(config, history), config.streamsProperties(), NOW);
        // records arrive "now": the time rules judge occurredAt against the record's timestamp
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer(), NOW, Duration.ZERO);
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    void publish(final LedgerEvent event) {
        events.pipeInput(event.project().id(), CODEC.encode(event));
    }

    /** Publishes with a record timestamp (the broker's arrival time) other than {@link #NOW}. */
    void publishArrivingAt(final LedgerEvent event, final Instant arrival) {
        events.pipeInput(event.project().id(), CODEC.encode(event), arrival);
    }

    void publishRaw(final String key, final byte[] value) {
        events.pipeInput(key, value);
    }

    static byte[] encode(final LedgerEvent event) {
        return CODEC.encode(event);
    }

    static LedgerEvent decode(final byte[] bytes) {
        return CODEC.decode(bytes);
    }

    /** Lets the ledger take its next turn, at which the last commit becomes visible. */
    private void nextTurn() {
        driver.advanceWallClockTime(Duration.ofMillis(20));
    }

    Totals totals(final String key) {
        nextTurn();
        return totalsStore().committed(key).getOrDefault(key, Totals.EMPTY);
    }

    Totals totalsAsOf(final String key, final Instant asOf) {
        nextTurn();
        return totalsStore().asOf(key, asOf.toEpochMilli()).getOrDefault(key, Totals.EMPTY);
    }

    Map<String, Totals> allTotals(final String prefix) {
        nextTurn();
        return totalsStore().committed(prefix);
    }

    DeadLetterPage deadLetterPage(final String before, final int limit) {
        nextTurn();
        return ((DeadLetterStore) driver.getStateStore(LedgerTopology.DEAD_LETTER_STORE)).page(before, limit);
    }

    /** Lets wall-clock time pass, running what the ledger schedules meanwhile (e.g. forgetting old events). */
    void advanceWallClock(final Duration duration) {
        driver.advanceWallClockTime(duration);
    }

    /** Whether the ledger still remembers the event id (to recognise a re-delivery). */
    boolean remembers(final String eventId) {
        final KeyValueStore<String, byte[]> index = driver.getKeyValueStore(LedgerTopology.EVENT_INDEX_STORE);
        return index.get(eventId) != null;
    }

    private TotalsStore totalsStore() {
        return (TotalsStore) driver.getStateStore(LedgerTopology.TOTALS_STORE);
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
