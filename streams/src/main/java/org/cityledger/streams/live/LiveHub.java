package org.cityledger.streams.live;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.cityledger.streams.totals.Totals;

/**
 * The live stream's one shared state and its subscribers. Each change is encoded once and the same
 * bytes are handed to every subscriber's bounded queue without waiting: a subscriber whose queue is
 * full reads too slowly and is dropped, so no client can hold up the ledger or the others. The last
 * {@code ringSize} messages are kept so that a client that reconnects with the id of the last
 * message it saw gets exactly the ones it missed; one that missed more (or an id of another stream,
 * e.g. of an instance since restarted) gets a full snapshot.
 *
 * <p>Ids are {@code <stream>.<sequence>}: the stream part is random per hub, so an id from another
 * instance or an earlier run never matches by accident.
 */
public final class LiveHub {

    /** How many newest counted events the picture keeps for a snapshot. */
    public static final int FEED_KEPT = 50;

    private final String stream;
    private final int ringSize;
    private final int queueSize;
    private final int maxClients;
    private final Function<Update, byte[]> encoder;
    private final Clock clock;
    private final Deque<Frame> ring = new ArrayDeque<>();
    private final Set<Subscriber> subscribers = new LinkedHashSet<>();
    private final Map<String, Totals> slices = new TreeMap<>();
    private final Deque<FeedEvent> feed = new ArrayDeque<>();
    private final AtomicLong dropped = new AtomicLong();
    private List<Long> offsets = List.of();
    private long sequence;
    private boolean complete;
    private String reason = "the ledger is starting";
    private Frame snapshot;

    /**
     * How much the hub keeps and allows.
     *
     * @param ringSize   messages kept for resuming
     * @param queueSize  messages a subscriber may have waiting before it is dropped
     * @param maxClients subscribers at most at once
     */
    public record Limits(int ringSize, int queueSize, int maxClients) {

        /** About a minute of changes to resume from at five a second; a few seconds of backlog per client. */
        public static final Limits DEFAULTS = new Limits(256, 64, 400);

        public Limits {
            if (ringSize < 1 || queueSize < 2 || maxClients < 1) {
                throw new IllegalArgumentException("ringSize and maxClients must be positive, queueSize at least 2");
            }
        }
    }

    /** One encoded message. */
    private record Frame(long sequence, byte[] bytes) {
    }

    /**
     * @param encoder a message's bytes on the wire, called once per message
     */
    public LiveHub(final Limits limits, final Function<Update, byte[]> encoder, final Clock clock) {
        this.stream = Long.toString(new SecureRandom().nextLong() & Long.MAX_VALUE, 36);
        this.ringSize = limits.ringSize();
        this.queueSize = limits.queueSize();
        this.maxClients = limits.maxClients();
        this.encoder = encoder;
        this.clock = clock;
    }

    /** Applies what changed (the changed slices' new totals, the events counted since) and tells every subscriber. */
    public synchronized void change(final Map<String, Totals> changed, final List<FeedEvent> counted, final List<Long> nowOffsets) {
        changed.forEach((key, totals) -> {
            if (totals.isEmpty()) {
                slices.remove(key);
            } else {
                slices.put(key, totals);
            }
        });
        for (int i = counted.size() - 1; i >= 0; i--) {
            feed.addFirst(counted.get(i));
        }
        while (feed.size() > FEED_KEPT) {
            feed.removeLast();
        }
        offsets = List.copyOf(nowOffsets);
        complete = true;
        reason = null;
        sequence++;
        broadcast(new Update(id(sequence), sequence, Update.Type.DELTA, clock.instant(), true, null,
                Map.copyOf(changed), List.copyOf(counted), offsets));
    }

    /** The totals can be read again, every partition: the picture is complete from now on. */
    public synchronized void available() {
        if (complete) {
            return;
        }
        complete = true;
        reason = null;
        sequence++;
        broadcast(new Update(id(sequence), sequence, Update.Type.STATUS, clock.instant(), true, null, Map.of(), List.of(), offsets));
    }

    /** Some partition cannot be read: what subscribers have is the last complete picture, and now stale. */
    public synchronized void unavailable(final String why) {
        if (!complete && why.equals(reason)) {
            return;
        }
        complete = false;
        reason = why;
        sequence++;
        broadcast(new Update(id(sequence), sequence, Update.Type.STATUS, clock.instant(), false, why, Map.of(), List.of(), offsets));
    }

    public synchronized boolean complete() {
        return complete;
    }

    /** How many subscribers were dropped for reading too slowly, since the start. */
    public long droppedClients() {
        return dropped.get();
    }

    public synchronized int clients() {
        return subscribers.size();
    }

    /** The id of the newest message. */
    public synchronized String lastId() {
        return id(sequence);
    }

    /**
     * A new subscriber, its queue already holding what it needs first: the messages after
     * {@code lastEventId} when the ring still has all of them, else a snapshot.
     *
     * @param lastEventId the id of the last message the client saw, or null
     * @throws TooManyClientsException when {@code maxClients} are subscribed
     */
    public synchronized Subscriber subscribe(final String lastEventId) {
        if (subscribers.size() >= maxClients) {
            throw new TooManyClientsException("the live stream has " + maxClients + " clients, its limit; retry later");
        }
        final Subscriber subscriber = new Subscriber(queueSize);
        final List<Frame> missed = missedSince(lastEventId);
        if (missed == null) {
            subscriber.queue.add(snapshot().bytes());
        } else {
            missed.forEach(frame -> subscriber.queue.add(frame.bytes()));
        }
        subscribers.add(subscriber);
        return subscriber;
    }

    /** The frames after {@code lastEventId}, or null when a snapshot is needed instead. */
    private List<Frame> missedSince(final String lastEventId) {
        if (lastEventId == null || !lastEventId.startsWith(stream + ".")) {
            return null;
        }
        final long seen;
        try {
            seen = Long.parseLong(lastEventId.substring(stream.length() + 1));
        } catch (final NumberFormatException e) {
            return null;
        }
        if (seen > sequence || seen < 0) {
            return null;
        }
        if (sequence - seen > queueSize / 2) {
            // more than half a queue behind: a snapshot is shorter, and leaves room for what comes next
            return null;
        }
        final List<Frame> missed = new ArrayList<>();
        for (final Frame frame : ring) {
            if (frame.sequence() > seen) {
                missed.add(frame);
            }
        }
        final long first = missed.isEmpty() ? sequence + 1 : missed.get(0).sequence();
        return first == seen + 1 || seen == sequence ? missed : null;
    }

    private Frame snapshot() {
        if (snapshot == null || snapshot.sequence() != sequence) {
            final Update update = new Update(id(sequence), sequence, Update.Type.SNAPSHOT, clock.instant(), complete, reason,
                    Map.copyOf(slices), List.copyOf(feed), offsets);
            snapshot = new Frame(sequence, encoder.apply(update));
        }
        return snapshot;
    }

    private void broadcast(final Update update) {
        final Frame frame = new Frame(update.sequence(), encoder.apply(update));
        ring.addLast(frame);
        while (ring.size() > ringSize) {
            ring.removeFirst();
        }
        subscribers.removeIf(subscriber -> {
            if (subscriber.closed) {
                return true;
            }
            if (!subscriber.queue.offer(frame.bytes())) {
                subscriber.drop();
                dropped.incrementAndGet();
                return true;
            }
            return false;
        });
    }

    private synchronized void remove(final Subscriber subscriber) {
        subscribers.remove(subscriber);
    }

    private String id(final long seq) {
        return stream + "." + seq;
    }

    /** One client's place in the stream: its queue, which its writer drains at its own pace. */
    public final class Subscriber implements AutoCloseable {

        private final BlockingQueue<byte[]> queue;
        private volatile boolean closed;
        private volatile boolean droppedForSlowness;

        private Subscriber(final int capacity) {
            this.queue = new ArrayBlockingQueue<>(capacity);
        }

        /**
         * The next message's bytes, waiting at most {@code wait}; null when none came (time for a
         * heartbeat) or when the subscriber was dropped ({@link #dropped()}).
         */
        public byte[] next(final Duration wait) throws InterruptedException {
            if (droppedForSlowness) {
                return null;
            }
            final byte[] next = queue.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
            return droppedForSlowness ? null : next;
        }

        /** Whether the hub gave up on this subscriber because its queue overflowed. */
        public boolean dropped() {
            return droppedForSlowness;
        }

        private void drop() {
            droppedForSlowness = true;
            queue.clear();
            // wakes a writer waiting for the next message, so that it ends the response now
            queue.offer(new byte[0]);
        }

        @Override
        public void close() {
            closed = true;
            remove(this);
        }

        @Override
        public String toString() {
            return String.format(Locale.ROOT, "subscriber(%d queued%s)", queue.size(), droppedForSlowness ? ", dropped" : "");
        }
    }

    /** The hub serves its limit of clients already. */
    public static final class TooManyClientsException extends RuntimeException {
        TooManyClientsException(final String message) {
            super(message);
        }
    }
}
