package org.cityledger.streams.topology;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.cityledger.domain.Reference;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.LedgerHeaders;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.state.CommitGate;
import org.cityledger.streams.state.DeadLetterStore;
import org.cityledger.streams.state.IndexStore;
import org.cityledger.streams.state.TotalsStore;

/**
 * The ledger topology, as a pure function of its configuration.
 *
 * <pre>
 *   ledger.events ──▶ ledger-processor ──▶ ledger.dead-letters
 *                        │
 *   ledger-event-index  ledger-audit-index  ledger-totals  ledger-dead-letter-index
 * </pre>
 *
 * One processor per input partition decodes, validates, de-duplicates and applies corrections,
 * then adds the event to its partition's totals. Events are keyed by project id, so a project's
 * facts, their duplicates and their corrections meet in one partition and no repartition topic is
 * needed; the query layer adds the partitions' partial totals.
 *
 * <p>On a secured cluster ({@link LedgerConfig#inboxes()}) a second sub-topology moves the district
 * offices' inboxes into the events topic first:
 * <pre>
 *   ledger.inbox.&lt;district&gt; ──▶ ledger-inbox-processor ──▶ ledger.events (stamped with the office;
 *                                                               another district's event also marked refused)
 * </pre>
 * A record the inbox stage refuses is refused again by the ledger processor, by its
 * {@link #REFUSED_HEADER}, so every refusal of the ledger is decided, kept and counted in one place.
 */
public final class LedgerTopology {

    public static final String SOURCE = "ledger-events-source";
    public static final String PROCESSOR = "ledger-processor";
    public static final String DEAD_LETTER_SINK = "ledger-dead-letters-sink";

    /** The district offices' inboxes (a secured cluster only): their own sub-topology, ahead of the events topic. */
    public static final String INBOX_SOURCE = "ledger-inbox-source";
    public static final String INBOX_PROCESSOR = "ledger-inbox-processor";
    public static final String INBOX_EVENTS_SINK = "ledger-inbox-events-sink";
    /** Header of a record moved from an inbox to the events topic: the district code of the office that published it. */
    public static final String OFFICE_HEADER = LedgerHeaders.OFFICE;
    /**
     * Header of a record the inbox stage refused: the reason. The ledger processor refuses any record
     * carrying it; see {@link LedgerHeaders} for why it can be trusted.
     */
    public static final String REFUSED_HEADER = LedgerHeaders.REFUSED;

    /** Event id → what the event contributed; de-duplication and corrections. */
    public static final String EVENT_INDEX_STORE = "ledger-event-index";
    /**
     * Every record of a project with its verdict, and the counted events of every district × sector cell and of the
     * partition by occurrence: what auditors read, what as-of totals add within a period, what is forgotten past the horizon.
     */
    public static final String AUDIT_STORE = "ledger-audit-index";
    /** Partial running totals of each partition per slice (summary, district, sector, cell); per-period history in memory. */
    public static final String TOTALS_STORE = "ledger-totals";
    /** The partition's dead letters, pageable newest first. */
    public static final String DEAD_LETTER_STORE = "ledger-dead-letter-index";

    /** Scope of the ledger's own sensors, each tagged with its task. */
    public static final String METRICS_SCOPE = "ledger";
    /** The group Kafka Streams files those sensors' metrics under in {@code KafkaStreams#metrics()}. */
    public static final String METRICS_GROUP = "stream-" + METRICS_SCOPE + "-metrics";
    /** Records of a task that went to the dead-letter topic ({@code <name>-total}, {@code <name>-rate}). */
    public static final String DEAD_LETTER_METRIC = "dead-letter";
    /**
     * Records a task re-read from the events topic to bring its indexes up to the committed offset
     * when it opened ({@code <name>-total}, {@code <name>-rate}): none after a clean close, the
     * whole partition after a crash or on a new machine.
     */
    public static final String INDEX_REPLAYED_METRIC = "index-replayed";

    private LedgerTopology() {
    }

    /**
     * The ledger's topology; tasks that open without their event index rebuild it from the cluster.
     * The node's Kafka Streams must use {@code gate}'s client supplier, which tells the stores when
     * their transactions commit.
     */
    public static Topology build(final LedgerConfig config, final CommitGate gate) {
        return build(config, new KafkaPartitionHistory(config), gate);
    }

    /**
     * As {@link #build(LedgerConfig, CommitGate)}, rebuilding event indexes from {@code history}. A
     * test driver has no producer of ours: the test tells {@code gate} when the driver committed.
     */
    public static Topology build(final LedgerConfig config, final PartitionHistory history, final CommitGate gate) {
        final EventCodec codec = new EventCodec();
        final Map<String, String> compacted = Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
        final Topology topology = new Topology();
        topology.addSource(SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS);
        topology.addProcessor(PROCESSOR, () -> new LedgerProcessor(codec, config.eventRules(), config.horizon(),
                config.dedupeFilterBytes(), history),
                SOURCE);
        // No record cache on the two event indexes: every key is written once (one entry per event),
        // so a cache would save no writes, only add its own bookkeeping (measured: ~15% of the thread).
        // No changelog either: the index is rebuilt from the events topic itself when a task opens without
        // it (LedgerProcessor#rebuildFromHistory). A changelog record per event cost a quarter of the throughput.
        // Both indexes are stores of our own, which write a commit's batch in one JNI call (IndexStore).
        topology.addStateStore(IndexStore.builder(EVENT_INDEX_STORE), PROCESSOR);
        // no changelog either: rebuilt from the events topic with the event index
        topology.addStateStore(IndexStore.builder(AUDIT_STORE), PROCESSOR);
        topology.addStateStore(TotalsStore.builder(TOTALS_STORE, compacted, gate), PROCESSOR);
        topology.addStateStore(DeadLetterStore.builder(DEAD_LETTER_STORE, compacted, gate), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, Topics.DEAD_LETTERS, new StringSerializer(), new ByteArraySerializer(), PROCESSOR);
        if (config.inboxes()) {
            addInboxes(topology, codec);
        }
        return topology;
    }

    /**
     * The inbox stage: its own sub-topology, sharing no store with the ledger processor, so its tasks
     * are light and the events topic stays the one input the totals are decided from. A record moved
     * is written to the events topic in the same transaction that commits its inbox offset, so it is
     * moved exactly once; the ledger processor then reads it like any other.
     */
    private static void addInboxes(final Topology topology, final EventCodec codec) {
        final String[] inboxes = Reference.DISTRICTS.stream().map(d -> Topics.inbox(d.code())).toArray(String[]::new);
        topology.addSource(INBOX_SOURCE, new StringDeserializer(), new ByteArrayDeserializer(), inboxes);
        topology.addProcessor(INBOX_PROCESSOR, () -> new InboxProcessor(codec), INBOX_SOURCE);
        topology.addSink(INBOX_EVENTS_SINK, Topics.EVENTS, new StringSerializer(), new ByteArraySerializer(), INBOX_PROCESSOR);
    }
}
