package org.cityledger.producers;

import org.cityledger.domain.LedgerEvent;

/**
 * Where a checked batch of events goes: {@link LedgerPublisher} in production. An interface so that
 * what decides <em>whether</em> to publish (a file's checks) can be tested without a broker.
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
