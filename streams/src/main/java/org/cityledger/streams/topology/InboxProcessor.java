package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.schema.UnreadableEventException;
import org.cityledger.streams.access.Office;

/**
 * Moves what a district office wrote into its inbox onto the events topic, inside the ledger's
 * transaction: the broker lets an office write only its own inbox, and this stage lets through only
 * that office's district, so an office cannot put another district's facts into the ledger. Each
 * record moved carries the office that published it ({@link LedgerTopology#OFFICE_HEADER}, and as
 * its {@code source}, {@code office:<district>}, whatever the office wrote there); every
 * other rule is the ledger processor's, on the events topic, as for any record.
 */
final class InboxProcessor implements Processor<String, byte[], String, byte[]> {

    private final EventCodec codec;
    private ProcessorContext<String, byte[]> context;

    InboxProcessor(final EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public void init(final ProcessorContext<String, byte[]> processorContext) {
        this.context = processorContext;
    }

    @Override
    public void process(final Record<String, byte[]> record) {
        final RecordMetadata meta = context.recordMetadata().orElseThrow();
        final String office = Topics.inboxDistrict(meta.topic());
        final LedgerEvent event;
        try {
            event = codec.decode(record.value());
        } catch (final UnreadableEventException e) {
            deadLetter(record, meta, null, "unreadable: " + e.getMessage());
            return;
        }
        if (!office.equals(event.district())) {
            deadLetter(record, meta, event.eventId(), "district '" + event.district() + "' published through " + office + "'s inbox");
            return;
        }
        final Headers headers = new RecordHeaders(record.headers().toArray());
        // the office's stamp is the ledger's alone: one the office wrote itself does not survive
        headers.remove(LedgerTopology.OFFICE_HEADER);
        headers.add(LedgerTopology.OFFICE_HEADER, office.getBytes(StandardCharsets.UTF_8));
        // and the event's source says so too, as the HTTP ingest's does, so the audit history names the office;
        // the source is no part of the fact (its content hash), so a re-delivery by another channel stays a duplicate
        final String source = Office.sourceOf(office);
        final byte[] value = source.equals(event.source()) ? record.value() : codec.encode(event.toBuilder().source(source).build());
        context.forward(new Record<>(record.key(), value, record.timestamp(), headers), LedgerTopology.INBOX_EVENTS_SINK);
    }

    private void deadLetter(final Record<String, byte[]> record, final RecordMetadata meta, final String eventId,
                            final String reason) {
        final Headers headers = new RecordHeaders();
        header(headers, DeadLetters.REASON, reason);
        if (eventId != null) {
            header(headers, DeadLetters.EVENT_ID, eventId);
        }
        header(headers, DeadLetters.SOURCE_TOPIC, meta.topic());
        header(headers, DeadLetters.SOURCE_PARTITION, Integer.toString(meta.partition()));
        header(headers, DeadLetters.SOURCE_OFFSET, Long.toString(meta.offset()));
        header(headers, DeadLetters.REJECTED_AT, Long.toString(context.currentSystemTimeMs()));
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), LedgerTopology.INBOX_DEAD_LETTER_SINK);
    }

    private static void header(final Headers headers, final String name, final String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
