package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.LedgerHeaders;
import org.cityledger.schema.Topics;
import org.cityledger.schema.UnreadableEventException;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.state.CommitGatedStore;
import org.cityledger.streams.state.DeadLetter;
import org.cityledger.streams.state.DeadLetterStore;
import org.cityledger.streams.state.EventIndex;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.TotalsStore;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.TotalsKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every record on the events topic, whether and how it counts, then counts it. A record
 * that cannot count goes to the dead-letter topic with its reason; nothing here throws for bad
 * input, so one bad record never stops the ledger.
 */
final class LedgerProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerProcessor.class);

    /** How soon an as-of reader waiting on an idle ledger gets the history published. */
    private static final Duration HISTORY_INTERVAL = Duration.ofMillis(10);
    /** Forgetting events past the horizon runs in small steps so it never stalls processing. */
    private static final Duration PURGE_INTERVAL = Duration.ofSeconds(1);
    private static final int PURGE_BATCH = 5_000;
    private static final long REBUILD_PROGRESS = 500_000;

    private final EventCodec codec;
    private final PartitionHistory history;
    private final EventRules rules;
    private final Duration horizon;
    private final long filterBytes;
    private final ContentHash contentHash = new ContentHash();
    private long lastOffset = -1;
    /** The largest record timestamp judged: the time forgetting past the horizon goes by. */
    private long latestTimestamp = Long.MIN_VALUE;
    private ProcessorContext<String, byte[]> context;
    private EventIndex index;
    private CommitGatedStore<TotalsStore> totalsStore;
    private CommitGatedStore<DeadLetterStore> deadLetterStore;
    private TotalsStore totals;
    private DeadLetterStore deadLetters;
    private Sensor deadLetterSensor;
    private Sensor replayedSensor;

    LedgerProcessor(final EventCodec codec, final EventRules rules, final Duration horizon, final long filterBytes,
                    final PartitionHistory history) {
        this.codec = codec;
        this.history = history;
        this.rules = rules;
        this.horizon = horizon;
        this.filterBytes = filterBytes;
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> processorContext) {
        this.context = processorContext;
        final KeyValueStore<Bytes, byte[]> events = processorContext.getStateStore(LedgerTopology.EVENT_INDEX_STORE);
        final KeyValueStore<Bytes, byte[]> projects = processorContext.getStateStore(LedgerTopology.AUDIT_STORE);
        this.index = new EventIndex(events, projects, filterBytes);
        this.totalsStore = processorContext.getStateStore(LedgerTopology.TOTALS_STORE);
        this.deadLetterStore = processorContext.getStateStore(LedgerTopology.DEAD_LETTER_STORE);
        this.totals = totalsStore.participant();
        // the index holds its writes back and batches them: they must be written before a commit is visible
        totalsStore.beforeStage(index::flush);
        this.deadLetters = deadLetterStore.participant();
        // how much of the topic a task re-read to open: nothing after a clean close, all of it after a crash
        replayedSensor = taskSensor(processorContext, LedgerTopology.INDEX_REPLAYED_METRIC);
        lastOffset = rebuildFromHistory();
        totalsStore.open();
        totals.rebuildHistory(index.timeline());
        deadLetterStore.open();
        deadLetterSensor = taskSensor(processorContext, LedgerTopology.DEAD_LETTER_METRIC);
        processorContext.schedule(HISTORY_INTERVAL, PunctuationType.WALL_CLOCK_TIME, now -> totals.publishHistoryIfWanted());
        processorContext.schedule(PURGE_INTERVAL, PunctuationType.WALL_CLOCK_TIME, this::forgetPastHorizon);
    }

    /** A rate-and-total sensor of this task among the ledger's own metrics ({@link LedgerTopology#METRICS_GROUP}). */
    private static Sensor taskSensor(final ProcessorContext<String, byte[]> processorContext, final String operation) {
        return processorContext.metrics().addRateTotalSensor(LedgerTopology.METRICS_SCOPE, "task-" + processorContext.taskId(),
                operation, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final long offset = context.recordMetadata().map(RecordMetadata::offset).orElse(-1L);
        totalsStore.beginRecord(offset);
        deadLetterStore.beginRecord(offset);
        judge(record.key(), record.value(), record.headers(), offset, record.timestamp(), record);
        lastOffset = offset;
    }

    /**
     * Decides whether and how one record counts, and records it in the event index. {@code live}
     * is the record being processed: then the totals change and refusals are dead-lettered. Null
     * when the index is being rebuilt from the topic: the totals (restored from their changelog)
     * and the dead letters already hold these records, only the index is rebuilt. Every decision
     * depends on the record and the index alone (time rules use the record's timestamp, not the
     * clock), so a rebuild repeats exactly what processing decided.
     *
     * @param refusal the record's {@link LedgerTopology#REFUSED_HEADER}: why the inbox stage refused it; else null
     * @param office  the record's {@link LedgerTopology#OFFICE_HEADER}: the office that published it; else null
     */
    private void judge(final String key, final byte[] value, final Headers headers, final long offset, final long timestamp,
                       final Record<String, byte[]> live) {
        final String refusal = LedgerHeaders.value(headers, LedgerTopology.REFUSED_HEADER);
        // the office matters only to a refusal's history: a counted record names it in its source already
        final String office = refusal == null ? null : LedgerHeaders.value(headers, LedgerTopology.OFFICE_HEADER);
        judge(key, value, refusal, office, offset, timestamp, live);
    }

    private void judge(final String key, final byte[] value, final String refusal, final String office, final long offset,
                       final long timestamp, final Record<String, byte[]> live) {
        latestTimestamp = Math.max(latestTimestamp, timestamp);
        if (refusal != null) {
            refuseFromInbox(live, key, value, refusal, office, offset, timestamp);
            return;
        }
        final LedgerEvent event;
        try {
            event = codec.decode(value);
        } catch (final UnreadableEventException e) {
            refuse(live, key, null, offset, timestamp, "unreadable: " + e.getMessage());
            return;
        }
        final List<Violation> violations = rules.check(event, Instant.ofEpochMilli(timestamp));
        if (!violations.isEmpty()) {
            refuse(live, key, event, offset, timestamp, "invalid: "
                    + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
            return;
        }
        if (!event.project().id().equals(key)) {
            // the partitioning invariant: a project's facts and corrections must meet in one partition
            refuse(live, key, event, offset, timestamp, "invalid: key: must be the project id '" + event.project().id() + "'");
            return;
        }
        final byte[] hash = contentHash.of(event);
        final IndexedEvent known = index.find(event.eventId());
        if (known != null) {
            if (known.sameContent(hash)) {
                // a re-delivery of a counted event; counting it again would double it
                index.duplicate(event, known, offset, timestamp);
            } else {
                refuse(live, key, event, offset, timestamp, DeadLetters.CONFLICTING_DUPLICATE);
            }
            return;
        }
        if (event.corrects() != null && !applyCorrection(live, event, offset, timestamp)) {
            return;
        }
        final Contribution contribution = Contribution.of(event);
        if (live != null) {
            totals.apply(contribution, 1, event.occurredAt().toEpochMilli());
        }
        index.counted(event, hash, offset, timestamp, contribution);
    }

    /**
     * Refuses a record the inbox stage refused, with its reason, before any other rule: it never
     * counts, and its event id is not remembered, so the office's own later event of that id counts.
     * Only the ledger writes this header where it is trusted: on a secured cluster the events topic
     * is writable by the ledger principal alone, and the inbox stage drops the header from what an
     * office writes; on an unsecured one whoever forges it could write any bad record anyway (see
     * {@link LedgerHeaders}). The project's history names the office that published it, not the
     * source the record claims.
     */
    private void refuseFromInbox(final Record<String, byte[]> live, final String key, final byte[] value, final String refusal,
                                 final String office, final long offset, final long timestamp) {
        LedgerEvent event;
        try {
            event = codec.decode(value);
        } catch (final UnreadableEventException e) {
            event = null;
        }
        if (event != null && office != null) {
            event = event.toBuilder().source(Office.sourceOf(office)).build();
        }
        refuse(live, key, event, offset, timestamp, refusal);
    }

    /** Takes the corrected event's contribution back out; false (and a refusal) if it cannot. */
    private boolean applyCorrection(final Record<String, byte[]> live, final LedgerEvent correction, final long offset,
                                    final long timestamp) {
        final String key = correction.project().id();
        final IndexedEvent target = index.find(correction.corrects());
        if (target == null) {
            refuse(live, key, correction, offset, timestamp,
                    "invalid correction: corrects unknown event '" + correction.corrects() + "'");
            return false;
        }
        if (!target.project().equals(key)) {
            // the index is per partition, and a partition holds many projects: a project's facts are its own to
            // correct. Checked first and named no further: the refusal reaches the office, who may not learn
            // another project's id, kind or corrector from it
            refuse(live, key, correction, offset, timestamp, "invalid correction: event '" + correction.corrects()
                    + "' is of another project");
            return false;
        }
        if (target.isCorrected()) {
            refuse(live, key, correction, offset, timestamp, "invalid correction: event '" + correction.corrects()
                    + "' is already corrected by '" + target.correctedBy() + "'");
            return false;
        }
        if (target.contribution().kind() != correction.kind()) {
            refuse(live, key, correction, offset, timestamp, "invalid correction: event '" + correction.corrects() + "' is a "
                    + target.contribution().kind() + ", not a " + correction.kind());
            return false;
        }
        if (live != null) {
            totals.apply(target.contribution(), -1, target.occurredAt());
        }
        index.corrected(correction.corrects(), target, correction.eventId(), offset);
        return true;
    }

    /** The project history records every refusal (also when rebuilding); only a live record goes to the dead letters. */
    private void refuse(final Record<String, byte[]> live, final String key, final LedgerEvent event, final long offset,
                        final long timestamp, final String reason) {
        index.refused(key, event, offset, timestamp, reason);
        if (live != null) {
            deadLetter(live, event == null ? null : event.eventId(), reason);
        }
    }

    /**
     * Brings the event index up to the ledger's committed offset of this task's partition, reading
     * the records it is missing from the events topic. The index has no changelog (that saved a
     * Kafka write per event): it is exact as of the offset recorded when the task last closed
     * cleanly, and a task that closed uncleanly has its state wiped by Kafka Streams (exactly-once),
     * so the index is then rebuilt from offset 0 ({@link RebuildPlan} says what to read). The mark
     * is removed while the task runs, so a crash leaves none behind.
     *
     * @return the last offset the index now includes, -1 if none
     */
    private long rebuildFromHistory() {
        final TopicPartition partition = new TopicPartition(Topics.EVENTS, context.taskId().partition());
        // gone before anything is replayed: a rebuild cut short (a timeout, a revocation, a crash) must
        // leave no mark, so the next attempt starts over instead of trusting a half-rebuilt index
        final Long markedThrough = index.takeCleanCloseMark();
        final long committed = history.committedOffset(partition);
        final RebuildPlan plan = RebuildPlan.of(markedThrough, index.isEmpty(), index.historyIsOutdated(), committed);
        if (plan.clear()) {
            LOG.warn("task {}: its event index does not match the committed offset {} of {} (marked through {}); "
                    + "rebuilding it from offset 0", context.taskId(), committed, partition,
                    markedThrough == null ? "nothing" : markedThrough);
            index.clear();
        }
        // the history is empty, rebuilt from here, or of the current layout already
        index.markHistoryLayout();
        index.load();
        if (plan.replays()) {
            LOG.info("task {}: rebuilding its event index from {} offsets {}..{}", context.taskId(), partition,
                    plan.from(), plan.to() - 1);
            final long[] replayed = {0};
            final long started = System.nanoTime();
            history.replay(partition, plan.from(), plan.to(), record -> {
                judge(record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), record.value(),
                        record.headers(), record.offset(), record.timestamp(), null);
                if (++replayed[0] % REBUILD_PROGRESS == 0) {
                    LOG.info("task {}: event index rebuilt through offset {} of {}", context.taskId(), record.offset(),
                            plan.to() - 1);
                }
            });
            index.flush();
            replayedSensor.record(replayed[0]);
            LOG.info("task {}: event index rebuilt from {} records in {} ms", context.taskId(), replayed[0],
                    (System.nanoTime() - started) / 1_000_000);
        }
        return plan.through();
    }

    @Override
    public void close() {
        // after a clean close (its last commit done) the index is exact through lastOffset; a dirty close's
        // mark may lie beyond the committed offset, and RebuildPlan then has the index rebuilt
        if (lastOffset >= 0) {
            index.markCleanClose(lastOffset);
        } else {
            index.flush();
        }
        // the task is suspended or closing: a resumed task, or one turned standby and back, loads its state afresh
        totalsStore.suspend();
        deadLetterStore.suspend();
    }

    /**
     * Forgets events of the periods wholly older than the horizon: they can no longer arrive (they
     * would be refused as too old). The period the horizon falls in is kept whole, so the ledger
     * remembers up to one period (30 days) longer than it must.
     */
    private void forgetPastHorizon(final long now) {
        if (latestTimestamp == Long.MIN_VALUE) {
            return;
        }
        // by the newest record's timestamp, not the clock: the rules judge each record by its own
        // timestamp, and a partition's timestamps only grow (LogAppendTime), so what is forgotten here
        // would be refused anyway, however far behind the ledger is; a rebuild then decides the same
        final long firstKept = TotalsKey.period(Math.min(now, latestTimestamp) - horizon.toMillis());
        final int forgotten = index.forgetBefore(firstKept, PURGE_BATCH);
        if (forgotten > 0) {
            LOG.debug("task {} forgot {} events older than the horizon", context.taskId(), forgotten);
        }
    }

    private void deadLetter(final Record<String, byte[]> record, final String eventId, final String reason) {
        final long now = context.currentSystemTimeMs();
        final Headers headers = new RecordHeaders();
        header(headers, DeadLetters.REASON, reason);
        if (eventId != null) {
            header(headers, DeadLetters.EVENT_ID, eventId);
        }
        final String office = LedgerHeaders.value(record.headers(), LedgerTopology.OFFICE_HEADER);
        if (office != null) {
            // who published it through an inbox, as on the record refused
            header(headers, LedgerTopology.OFFICE_HEADER, office);
        }
        context.recordMetadata().ifPresent(meta -> source(headers, meta));
        header(headers, DeadLetters.REJECTED_AT, Long.toString(now));
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
                LedgerTopology.DEAD_LETTER_SINK);
        final RecordMetadata meta = context.recordMetadata().orElse(null);
        deadLetters.add(new DeadLetter(now, reason, eventId, meta == null ? "" : meta.topic(),
                meta == null ? -1 : meta.partition(), meta == null ? -1 : meta.offset(), record.key(), record.value()));
        deadLetterSensor.record();
        totals.deadLettered();
        LOG.debug("dead letter {}: {}", eventId, reason);
    }

    private static void source(final Headers headers, final RecordMetadata meta) {
        header(headers, DeadLetters.SOURCE_TOPIC, meta.topic());
        header(headers, DeadLetters.SOURCE_PARTITION, Integer.toString(meta.partition()));
        header(headers, DeadLetters.SOURCE_OFFSET, Long.toString(meta.offset()));
    }

    private static void header(final Headers headers, final String name, final String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
