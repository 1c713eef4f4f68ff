package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.UnreadableEventException;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.TotalsStore;
import org.cityledger.streams.totals.Contribution;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for every record on the events topic, whether and how it counts, then counts it. A record
 * that cannot count goes to the dead-letter topic with its reason; nothing here throws for bad
 * input, so one bad record never stops the ledger.
 */
final class LedgerProcessor implements Processor<String, byte[], String, byte[]> {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerProcessor.class);

    private final EventCodec codec;
    private final EventRules rules;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, byte[]> index;
    private TotalsStore totals;

    LedgerProcessor(final EventCodec codec, final EventRules rules) {
        this.codec = codec;
        this.rules = rules;
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> processorContext) {
        this.context = processorContext;
        this.index = processorContext.getStateStore(LedgerTopology.EVENT_INDEX_STORE);
        this.totals = processorContext.getStateStore(LedgerTopology.TOTALS_STORE);
        totals.open();
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final LedgerEvent event;
        try {
            event = codec.decode(record.value());
        } catch (final UnreadableEventException e) {
            deadLetter(record, null, "unreadable: " + e.getMessage());
            return;
        }
        final List<Violation> violations = rules.check(event, Instant.ofEpochMilli(context.currentSystemTimeMs()));
        if (!violations.isEmpty()) {
            deadLetter(record, event.eventId(), "invalid: "
                    + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
            return;
        }
        if (!event.project().id().equals(record.key())) {
            // the partitioning invariant: a project's facts and corrections must meet in one partition
            deadLetter(record, event.eventId(), "invalid: key: must be the project id '" + event.project().id() + "'");
            return;
        }
        final byte[] hash = ContentHash.of(event);
        final byte[] known = index.get(event.eventId());
        if (known != null) {
            if (!IndexedEvent.fromBytes(known).sameContent(hash)) {
                deadLetter(record, event.eventId(), DeadLetters.CONFLICTING_DUPLICATE);
            }
            // else: a re-delivery of a counted event; counting it again would double it
            return;
        }
        final Contribution contribution = Contribution.of(event);
        if (event.corrects() != null && !applyCorrection(record, event)) {
            return;
        }
        totals.apply(contribution, 1);
        index.put(event.eventId(), new IndexedEvent(hash, contribution, null).toBytes());
    }

    /** Takes the corrected event's contribution back out; false (and a dead letter) if it cannot. */
    private boolean applyCorrection(final Record<String, byte[]> record, final LedgerEvent correction) {
        final byte[] targetBytes = index.get(correction.corrects());
        if (targetBytes == null) {
            deadLetter(record, correction.eventId(), "invalid correction: corrects unknown event '" + correction.corrects() + "'");
            return false;
        }
        final IndexedEvent target = IndexedEvent.fromBytes(targetBytes);
        if (target.isCorrected()) {
            deadLetter(record, correction.eventId(), "invalid correction: event '" + correction.corrects()
                    + "' is already corrected by '" + target.correctedBy() + "'");
            return false;
        }
        if (target.contribution().kind() != correction.kind()) {
            deadLetter(record, correction.eventId(), "invalid correction: event '" + correction.corrects() + "' is a "
                    + target.contribution().kind() + ", not a " + correction.kind());
            return false;
        }
        totals.apply(target.contribution(), -1);
        index.put(correction.corrects(), target.correctedBy(correction.eventId()).toBytes());
        return true;
    }

    private void deadLetter(final Record<String, byte[]> record, final String eventId, final String reason) {
        final Headers headers = new RecordHeaders();
        header(headers, DeadLetters.REASON, reason);
        if (eventId != null) {
            header(headers, DeadLetters.EVENT_ID, eventId);
        }
        context.recordMetadata().ifPresent(meta -> source(headers, meta));
        header(headers, DeadLetters.REJECTED_AT, Long.toString(context.currentSystemTimeMs()));
        LOG.debug("dead letter {}: {}", eventId, reason);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers),
                LedgerTopology.DEAD_LETTER_SINK);
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
