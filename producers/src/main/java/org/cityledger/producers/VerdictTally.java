package org.cityledger.producers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.cityledger.domain.Violation;

/**
 * Adds up acknowledgements and verdicts as they arrive from the sending threads, the producer's I/O
 * thread and the verdict poller. Keeps counts, not events, except the few a person must read about
 * (rejections, refusals, the first pending lines). Thread-safe.
 */
final class VerdictTally {

    private final AtomicLong accepted = new AtomicLong();
    private long total;
    private EventDelivery.Listener listener = new EventDelivery.Listener() {
        @Override
        public void onProgress(final long done, final long all) {
        }

        @Override
        public void onRefusedByLedger(final FileRecord record, final List<Violation> reasons) {
        }
    };
    private long counted;
    private long corrected;
    private long duplicates;
    private final List<DeliveryReport.Rejection> rejected = new ArrayList<>();
    private long pending;
    private final List<Integer> pendingLines = new ArrayList<>();
    private long unknown;
    private String unknownReason;
    private final List<FileReport.LineError> refusedByLedger = new ArrayList<>();
    private DeliveryReport.Failure failure;

    synchronized void begin(final long totalEvents, final EventDelivery.Listener target) {
        this.total = totalEvents;
        this.listener = target;
    }

    void accepted(final long events) {
        final long done = accepted.addAndGet(events);
        listener().onProgress(done, total());
    }

    /** A final verdict (never {@link Verdict#PENDING}) for the event on {@code line}. */
    synchronized void judged(final int line, final EventVerdict verdict) {
        switch (verdict.verdict()) {
            case COUNTED -> counted++;
            case CORRECTED -> corrected++;
            case DUPLICATE -> duplicates++;
            case REJECTED -> rejected.add(new DeliveryReport.Rejection(line, verdict.eventId(),
                    verdict.reason() == null ? "no reason given" : verdict.reason()));
            case UNKNOWN -> unknown(1, verdict.reason() != null ? verdict.reason()
                    : "the ledger has no record of some events at the partition and offset they were published to");
            case PENDING -> throw new IllegalArgumentException("pending is no verdict");
        }
    }

    synchronized void stillPending(final int line) {
        pending++;
        if (pendingLines.size() < DeliveryReport.LISTED_PENDING) {
            pendingLines.add(line);
        }
    }

    synchronized void unknown(final long events, final String reason) {
        unknown += events;
        if (unknownReason == null) {
            unknownReason = reason;
        }
    }

    void refusedByLedger(final FileRecord record, final List<Violation> reasons) {
        synchronized (this) {
            refusedByLedger.add(new FileReport.LineError(record.line(), reasons));
        }
        listener().onRefusedByLedger(record, reasons);
    }

    /** Records why sending stopped; the first failure is the one reported, later ones follow from it. */
    synchronized void fail(final DeliveryReport.Failure why) {
        if (failure == null) {
            failure = why;
        }
    }

    synchronized boolean failed() {
        return failure != null;
    }

    synchronized DeliveryReport report() {
        // verdicts arrive in the order batches were answered; a person reads a report in file order
        final List<DeliveryReport.Rejection> byLine = new ArrayList<>(rejected);
        byLine.sort(Comparator.comparingInt(DeliveryReport.Rejection::line));
        final List<FileReport.LineError> refusedByLine = new ArrayList<>(refusedByLedger);
        refusedByLine.sort(Comparator.comparingInt(FileReport.LineError::line));
        final List<Integer> pendingByLine = new ArrayList<>(pendingLines);
        pendingByLine.sort(null);
        return new DeliveryReport(accepted.get(), counted, corrected, duplicates, byLine, pending, pendingByLine,
                unknown, unknownReason, refusedByLine, failure);
    }

    private synchronized EventDelivery.Listener listener() {
        return listener;
    }

    private synchronized long total() {
        return total;
    }
}
