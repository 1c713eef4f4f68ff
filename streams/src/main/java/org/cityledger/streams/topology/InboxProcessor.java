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
 *
 * <p>A record this stage refuses (another district's event, unreadable bytes) goes onto the events
 * topic too, byte for byte, stamped {@link LedgerTopology#REFUSED_HEADER} with the reason: the
 * ledger processor then refuses it there like any bad record, so it is in the dead-letter store and
 * count, the project's history and the metrics, and the audit's reconciliation, reading the events
 * topic alone, finds the same refusal.
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
        // the office's stamp and the refusal are the ledger's alone: headers of those names the office wrote do not survive
        final Headers headers = new RecordHeaders(record.headers().toArray());
        headers.remove(LedgerTopology.OFFICE_HEADER);
        headers.remove(LedgerTopology.REFUSED_HEADER);
        header(headers, LedgerTopology.OFFICE_HEADER, office);
        final LedgerEvent event;
        try {
            event = codec.decode(record.value());
        } catch (final UnreadableEventException e) {
            refuse(record, headers, "unreadable: " + e.getMessage());
            return;
        }
        if (!office.equals(event.district())) {
            refuse(record, headers, "district '" + event.district() + "' published through " + office + "'s inbox");
            return;
        }
        // and the event's source says so too, as the HTTP ingest's does, so the audit history names the office;
        // the source is no part of the fact (its content hash), so a re-delivery by another channel stays a duplicate
        final String source = Office.sourceOf(office);
        final byte[] value = source.equals(event.source()) ? record.value() : codec.encode(event.toBuilder().source(source).build());
        context.forward(new Record<>(record.key(), value, record.timestamp(), headers), LedgerTopology.INBOX_EVENTS_SINK);
    }

    /** Onto the events topic as written, marked refused: the ledger processor dead-letters it with {@code reason}. */
    private void refuse(final Record<String, byte[]> record, final Headers headers, final String reason) {
        header(headers, LedgerTopology.REFUSED_HEADER, reason);
        context.forward(new Record<>(record.key(), record.value(), record.timestamp(), headers), LedgerTopology.INBOX_EVENTS_SINK);
    }

    private static void header(final Headers headers, final String name, final String value) {
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
