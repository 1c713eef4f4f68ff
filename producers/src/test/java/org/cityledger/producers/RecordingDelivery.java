package org.cityledger.producers;

import java.util.ArrayList;
import java.util.List;
import org.cityledger.domain.LedgerEvent;

/** Stands in for Kafka or the API: what a file publisher decides is whether and what to send. */
final class RecordingDelivery implements EventDelivery {

    final List<LedgerEvent> sent = new ArrayList<>();
    final List<Integer> batchSizes = new ArrayList<>();
    boolean skipInvalid;
    private Listener listener;
    private long total;

    @Override
    public void begin(final long totalEvents, final boolean skip, final Listener target) {
        this.total = totalEvents;
        this.skipInvalid = skip;
        this.listener = target;
    }

    @Override
    public void send(final List<FileRecord> batch) {
        batchSizes.add(batch.size());
        for (final FileRecord record : batch) {
            sent.add(record.event());
            listener.onProgress(sent.size(), total);
        }
    }

    @Override
    public boolean stopped() {
        return false;
    }

    @Override
    public DeliveryReport finish() {
        return new DeliveryReport(sent.size(), sent.size(), 0, 0, List.of(), 0, List.of(), 0, null, List.of(), null);
    }

    @Override
    public void close() {
    }
}
