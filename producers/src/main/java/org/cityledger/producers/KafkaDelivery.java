package org.cityledger.producers;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Straight to Kafka through a {@link LedgerPublisher}, for the city's own operators. The broker's
 * acknowledgement gives each event's partition and offset, and with them the ledger's
 * {@code /api/verdicts} is asked what it made of each event. If that ledger cannot be reached the
 * verdicts are reported unknown, with the reason; the events are published all the same.
 */
public final class KafkaDelivery implements EventDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaDelivery.class);

    private final LedgerPublisher publisher;
    private final VerdictTally tally = new VerdictTally();
    private final VerdictPoller poller;
    private final Duration patience;
    private final String bootstrapServers;

    /**
     * @param publisher        sends; this delivery does not close it
     * @param bootstrapServers for messages
     * @param verdicts         the ledger to ask for verdicts
     * @param batchSize        events per question for verdicts
     * @param patience         how long {@link #finish} goes on asking while the ledger says pending
     */
    public KafkaDelivery(final LedgerPublisher publisher, final String bootstrapServers, final LedgerApiClient verdicts,
                         final int batchSize, final Duration patience) {
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        this.poller = new VerdictPoller(verdicts, tally, batchSize);
        this.patience = Objects.requireNonNull(patience, "patience");
    }

    @Override
    public void begin(final long total, final boolean skipInvalid, final Listener listener) {
        // the file was checked with the publisher's rules, so the ledger's check of a record has nothing to add
        tally.begin(total, listener);
    }

    @Override
    public void send(final List<FileRecord> batch) {
        try {
            poller.awaitRoom();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.UNREACHABLE, "interrupted"));
            return;
        }
        for (final FileRecord record : batch) {
            if (tally.failed()) {
                // with the broker gone every further send would wait out its own metadata timeout
                return;
            }
            try {
                publisher.publish(record.event()).whenComplete((metadata, failure) -> {
                    if (failure == null) {
                        acknowledged(record, metadata);
                    } else {
                        tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.UNREACHABLE, "the event on line "
                                + record.line() + " was not published to " + bootstrapServers + ": " + failure));
                    }
                });
            } catch (final IngestException e) {
                // the publisher's clock moved on since the file was checked (an event at the edge of the horizon)
                tally.refusedByLedger(record, e.violations());
            }
        }
    }

    /** On the producer's I/O thread: short. */
    private void acknowledged(final FileRecord record, final RecordMetadata metadata) {
        poller.track(new LedgerApiClient.Tracked(record.line(), record.event().eventId(), record.event().project().id(),
                metadata.partition(), metadata.offset()));
        tally.accepted(1);
    }

    @Override
    public boolean stopped() {
        return tally.failed();
    }

    @Override
    public DeliveryReport finish() {
        try {
            publisher.flush();
        } catch (final PublishException e) {
            LOG.debug("flush failed", e);
            tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.UNREACHABLE, e.failedCount()
                    + (e.failedCount() == 1 ? " event was" : " events were") + " not published to " + bootstrapServers
                    + ": " + e.getCause()));
        }
        try {
            poller.finish(patience);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tally.report();
    }

    @Override
    public void close() {
        // the publisher belongs to the caller, who may send more through it; the poller is ours
        poller.stop();
    }
}
