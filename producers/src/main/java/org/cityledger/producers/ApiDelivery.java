package org.cityledger.producers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;

/**
 * Through a running ledger's HTTP API, as a district office: batches to {@code POST /api/events}
 * with the office's token, at most {@code inFlight} of them on their way at once (each on its own
 * thread, over the client's keep-alive connections). The answer carries each event's verdict;
 * events still pending are asked for again through {@code /api/verdicts}.
 *
 * <p>A {@code 422} means the ledger's check refused lines the local check passed (its clock or rules
 * differ): with {@code --skip-invalid} they are told to the listener and the rest of their batch is
 * sent again; without it sending stops there, as a file with a bad line is not published. No access
 * ({@code 401}, {@code 403}) or no ledger (after retries) stops sending too.
 */
public final class ApiDelivery implements EventDelivery {

    private final LedgerApiClient client;
    private final IngestJson json;
    private final VerdictTally tally = new VerdictTally();
    private final VerdictPoller poller;
    private final Duration patience;
    private final int inFlight;
    private final Semaphore permits;
    private final ExecutorService senders;
    private boolean skipInvalid;

    /**
     * @param inFlight batches on their way at once, at least 1
     * @param patience how long {@link #finish} goes on asking while the ledger says pending
     */
    public ApiDelivery(final LedgerApiClient client, final IngestJson json, final int inFlight, final Duration patience) {
        this.client = Objects.requireNonNull(client, "client");
        this.json = Objects.requireNonNull(json, "json");
        if (inFlight < 1) {
            throw new IllegalArgumentException("inFlight must be at least 1, was " + inFlight);
        }
        this.inFlight = inFlight;
        this.permits = new Semaphore(inFlight);
        this.senders = Executors.newFixedThreadPool(inFlight, runnable -> {
            final Thread thread = new Thread(runnable, "ledger-api-sender");
            thread.setDaemon(true);
            return thread;
        });
        this.poller = new VerdictPoller(client, tally, LedgerApiClient.MAX_BATCH);
        this.patience = Objects.requireNonNull(patience, "patience");
    }

    @Override
    public void begin(final long total, final boolean skipInvalidLines, final Listener listener) {
        this.skipInvalid = skipInvalidLines;
        tally.begin(total, listener);
    }

    @Override
    public void send(final List<FileRecord> batch) {
        final List<FileRecord> copy = List.copyOf(batch);
        try {
            poller.awaitRoom();
            permits.acquire();
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.UNREACHABLE, "interrupted"));
            return;
        }
        senders.execute(() -> {
            try {
                deliver(copy);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                permits.release();
            }
        });
    }

    private void deliver(final List<FileRecord> batch) throws InterruptedException {
        if (batch.isEmpty() || tally.failed()) {
            return;
        }
        final List<String> bodies = new ArrayList<>(batch.size());
        for (final FileRecord record : batch) {
            bodies.add(json.write(withoutSource(record.event())));
        }
        final LedgerApiClient.Answer answer = client.publish(bodies);
        if (answer instanceof LedgerApiClient.Answer.Accepted accepted) {
            judge(batch, accepted);
        } else if (answer instanceof LedgerApiClient.Answer.Invalid invalid) {
            refused(batch, invalid);
        } else if (answer instanceof LedgerApiClient.Answer.Failed failed) {
            if (failed.status() == 413 && batch.size() > 1) {
                // a batch of long Chinese names can outgrow the body limit before the event limit
                deliver(batch.subList(0, batch.size() / 2));
                deliver(batch.subList(batch.size() / 2, batch.size()));
                return;
            }
            final DeliveryReport.Failure.Kind kind = failed.kind() == null ? DeliveryReport.Failure.Kind.PROTOCOL : failed.kind();
            tally.fail(new DeliveryReport.Failure(kind, failed.message() + " for the batch of " + lines(batch)));
        }
    }

    /** The ledger sets {@code source} itself from the token. */
    private static LedgerEvent withoutSource(final LedgerEvent event) {
        return event.source() == null ? event : event.toBuilder().source(null).build();
    }

    private void judge(final List<FileRecord> batch, final LedgerApiClient.Answer.Accepted accepted) {
        final Map<Integer, EventVerdict> byIndex = new HashMap<>();
        accepted.events().forEach(verdict -> byIndex.put(verdict.index(), verdict));
        for (int i = 0; i < batch.size(); i++) {
            final FileRecord record = batch.get(i);
            final EventVerdict verdict = byIndex.get(i);
            if (verdict == null) {
                tally.unknown(1, "the ledger's answer left out some events of a batch");
            } else if (verdict.verdict() != Verdict.PENDING) {
                tally.judged(record.line(), verdict);
            } else if (verdict.partition() >= 0 && verdict.offset() >= 0) {
                poller.track(new LedgerApiClient.Tracked(record.line(), record.event().eventId(),
                        record.event().project().id(), verdict.partition(), verdict.offset()));
            } else {
                tally.stillPending(record.line());
            }
        }
        tally.accepted(batch.size());
    }

    private void refused(final List<FileRecord> batch, final LedgerApiClient.Answer.Invalid invalid)
            throws InterruptedException {
        final Map<Integer, List<Violation>> byIndex = new LinkedHashMap<>();
        for (final LedgerApiClient.Problem problem : invalid.problems()) {
            if (problem.index() >= 0 && problem.index() < batch.size()) {
                byIndex.computeIfAbsent(problem.index(), i -> new ArrayList<>())
                        .add(new Violation(problem.field(), problem.reason()));
            }
        }
        if (byIndex.isEmpty()) {
            tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.PROTOCOL, "the ledger at " + client.api()
                    + " refused the batch of " + lines(batch) + " (HTTP 422"
                    + (invalid.error().isEmpty() ? "" : ": " + invalid.error()) + ") without naming an event"));
            return;
        }
        final List<FileRecord> rest = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            final List<Violation> reasons = byIndex.get(i);
            if (reasons == null) {
                rest.add(batch.get(i));
            } else {
                tally.refusedByLedger(batch.get(i), reasons);
            }
        }
        if (skipInvalid) {
            deliver(rest);
        } else {
            tally.fail(new DeliveryReport.Failure(DeliveryReport.Failure.Kind.REFUSED, "the ledger refused "
                    + byIndex.size() + (byIndex.size() == 1 ? " line" : " lines")
                    + " that the local check passed; nothing more was sent"));
        }
    }

    private static String lines(final List<FileRecord> batch) {
        final int first = batch.get(0).line();
        final int last = batch.get(batch.size() - 1).line();
        return first == last ? "line " + first : "lines " + first + "-" + last;
    }

    @Override
    public boolean stopped() {
        return tally.failed();
    }

    @Override
    public DeliveryReport finish() {
        try {
            // every permit back means every batch was answered
            permits.acquire(inFlight);
            permits.release(inFlight);
            poller.finish(patience);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return tally.report();
    }

    @Override
    public void close() {
        poller.stop();
        senders.shutdownNow();
        try {
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
