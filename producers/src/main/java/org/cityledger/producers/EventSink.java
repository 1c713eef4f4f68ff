package org.cityledger.producers;

import org.cityledger.domain.LedgerEvent;

/**
 * Where a batch of events held in memory goes at once: {@link LedgerPublisher}, for the demo data
 * set. A file goes through an {@link EventDelivery} instead, batch by batch and with the ledger's
 * verdicts, since a file may be too long to hold.
 */
@FunctionalInterface
public interface EventSink {

    /**
     * Publishes every event and waits until all are acknowledged.
     *
     * @throws IngestException  if any event breaks a rule; then none is sent
     * @throws PublishException if any send failed
     */
    PublishResult publishAll(Iterable<LedgerEvent> events, ProgressListener progress);
}
