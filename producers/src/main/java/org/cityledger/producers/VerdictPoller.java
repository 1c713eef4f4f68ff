package org.cityledger.producers;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Asks a ledger's {@code /api/verdicts} what became of published events, on a thread of its own so
 * that publishing goes on meanwhile: events are {@link #track tracked} as the broker (or the API)
 * acknowledges them, asked for in batches, and asked again while the ledger says they are pending.
 * What it holds is bounded by how far the ledger lags behind publishing, and {@link #awaitRoom}
 * makes publishing wait when that grows too large. If the ledger cannot be reached, every verdict
 * from then on is unknown, with the reason, and publishing is not held up by it.
 */
final class VerdictPoller {

    /** Tracked events beyond which {@link #awaitRoom} holds publishing back. */
    static final int BACKLOG = 50_000;

    private final LedgerApiClient client;
    private final VerdictTally tally;
    private final int batchSize;
    private final LinkedBlockingQueue<LedgerApiClient.Tracked> queue = new LinkedBlockingQueue<>();
    private final Object lock = new Object();
    private final Thread worker;
    /** Taken off the queue and not yet settled; counts towards the backlog. */
    private int asking;
    private boolean finishing;
    private long deadlineNanos;
    private String unreachable;

    /**
     * @param batchSize events per request, at most {@link LedgerApiClient#MAX_BATCH}
     */
    VerdictPoller(final LedgerApiClient client, final VerdictTally tally, final int batchSize) {
        this.client = Objects.requireNonNull(client, "client");
        this.tally = Objects.requireNonNull(tally, "tally");
        this.batchSize = Math.min(batchSize, LedgerApiClient.MAX_BATCH);
        this.worker = new Thread(this::run, "ledger-verdicts");
        worker.setDaemon(true);
        worker.start();
    }

    /** Never blocks: called on the producer's I/O thread. */
    void track(final LedgerApiClient.Tracked event) {
        queue.add(event);
    }

    /** Blocks the publishing thread while more than {@link #BACKLOG} verdicts are outstanding. */
    void awaitRoom() throws InterruptedException {
        synchronized (lock) {
            while (queue.size() + asking > BACKLOG && unreachable == null) {
                lock.wait(1000);
            }
        }
    }

    /**
     * Asks until every tracked event is judged or {@code patience} has passed with the ledger still
     * saying pending; the rest are counted pending.
     */
    void finish(final Duration patience) throws InterruptedException {
        synchronized (lock) {
            finishing = true;
            deadlineNanos = System.nanoTime() + patience.toNanos();
            lock.notifyAll();
        }
        worker.join();
    }

    /** Stops asking at once, whatever is left; for a publication abandoned before {@link #finish}. */
    void stop() {
        worker.interrupt();
    }

    private void run() {
        try {
            while (true) {
                final List<LedgerApiClient.Tracked> batch = nextBatch();
                if (batch == null) {
                    return;
                }
                ask(batch);
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next batch to ask for, or null once finishing and nothing is left. */
    private List<LedgerApiClient.Tracked> nextBatch() throws InterruptedException {
        while (true) {
            final LedgerApiClient.Tracked first = queue.poll(100, TimeUnit.MILLISECONDS);
            synchronized (lock) {
                if (first == null) {
                    if (finishing) {
                        return null;
                    }
                    continue;
                }
                final List<LedgerApiClient.Tracked> batch = new ArrayList<>(batchSize);
                batch.add(first);
                queue.drainTo(batch, batchSize - 1);
                asking = batch.size();
                return batch;
            }
        }
    }

    private void ask(final List<LedgerApiClient.Tracked> batch) throws InterruptedException {
        if (unreachable != null) {
            tally.unknown(batch.size(), unreachable);
            settled();
            return;
        }
        if (pastDeadline()) {
            batch.forEach(event -> tally.stillPending(event.line()));
            settled();
            return;
        }
        final LedgerApiClient.Answer answer = client.verdicts(batch);
        if (answer instanceof LedgerApiClient.Answer.Accepted accepted) {
            final Map<Integer, EventVerdict> byIndex = new HashMap<>();
            accepted.events().forEach(verdict -> byIndex.put(verdict.index(), verdict));
            for (int i = 0; i < batch.size(); i++) {
                final LedgerApiClient.Tracked event = batch.get(i);
                final EventVerdict verdict = byIndex.get(i);
                if (verdict == null || verdict.verdict() == Verdict.PENDING) {
                    // the ledger holds each request up to its wait, so asking again does not spin
                    queue.add(event);
                } else {
                    tally.judged(event.line(), verdict);
                }
            }
        } else {
            final String why = answer instanceof LedgerApiClient.Answer.Failed failed ? failed.message()
                    : "the ledger at " + client.api() + " refused the question for verdicts";
            synchronized (lock) {
                unreachable = why;
            }
            tally.unknown(batch.size(), why);
        }
        settled();
    }

    private boolean pastDeadline() {
        synchronized (lock) {
            return finishing && System.nanoTime() - deadlineNanos > 0;
        }
    }

    private void settled() {
        synchronized (lock) {
            asking = 0;
            lock.notifyAll();
        }
    }
}
