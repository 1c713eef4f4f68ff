package org.cityledger.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a node does when one of its stream threads dies. Bad input never gets that far (it is
 * dead-lettered), so what remains is either the cluster failing under the thread or a bug.
 *
 * <p>A failure whose root cause the ledger's own code raised (an invariant it checks, a
 * {@code NullPointerException} in it) is a bug, and an {@link Error} is the JVM in trouble: the node
 * stops loudly rather than repeating it. Anything else came from Kafka — a transaction the brokers
 * could not complete because its coordinator moved with a broker that stopped
 * ({@code InvalidTxnStateException}, seen in ComposeClusterIT when a broker of three stopped), an
 * epoch gone stale, a timeout, a producer whose transaction state the failover left unusable — and
 * leaves nothing wrong with the ledger: a new thread with a new producer restores the tasks from
 * their last commit, exactly once, and goes on. Which of Kafka's exceptions a failover raises
 * differs between versions and timings, so the rule does not list them. A budget stops the node
 * instead when threads keep failing ({@link #REPLACEMENTS_PER_THREAD} per stream thread within
 * {@link #WINDOW}: one broker stopping may fail every thread at once): then the cluster is not
 * getting over it, or the fault is ours after all, showing in Kafka's code, and a supervisor's
 * restart or an operator is the better help.
 *
 * <p>Kafka Streams calls the handler from the failing stream thread; with several threads the
 * budget is shared, hence the lock.
 */
final class ThreadFailures {

    /** Replacements allowed per stream thread within {@link #WINDOW}; one more in all and the node stops. */
    static final int REPLACEMENTS_PER_THREAD = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final String OWN_CODE = "org.cityledger.";

    private final int maxReplacements;
    private final LongSupplier nanoTime;
    private final Deque<Long> replacements = new ArrayDeque<>();

    ThreadFailures(final int streamThreads) {
        this(streamThreads, System::nanoTime);
    }

    ThreadFailures(final int streamThreads, final LongSupplier nanoTime) {
        if (streamThreads < 1) {
            throw new IllegalArgumentException("streamThreads: must be at least 1, was " + streamThreads);
        }
        this.maxReplacements = REPLACEMENTS_PER_THREAD * streamThreads;
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    }

    /** The response to a stream thread's death by {@code failure}; counts a replacement against the budget. */
    synchronized StreamThreadExceptionResponse responseTo(final Throwable failure) {
        if (raisedByTheLedger(failure)) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        final long now = nanoTime.getAsLong();
        while (!replacements.isEmpty() && now - replacements.peekFirst() >= WINDOW.toNanos()) {
            replacements.removeFirst();
        }
        if (replacements.size() >= maxReplacements) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Why {@link #responseTo} stopped the node on {@code failure}, for its log line. */
    String whyStopped(final Throwable failure) {
        return raisedByTheLedger(failure)
                ? "the ledger's own code failed (a bug, or the JVM out of resources: a new thread would only repeat it)"
                : "stream threads failed more than " + maxReplacements + " times within " + WINDOW.toMinutes()
                + " minutes: the same failure kept repeating, or the cluster is not getting over it (see the errors above)";
    }

    /**
     * Whether {@code failure} is the ledger's own: an {@link Error} anywhere in it (its causes and
     * their suppressed exceptions; the JVM out of memory, say), or an innermost cause whose first
     * frame outside the JDK is the ledger's code. An innermost cause without a stack trace is Kafka's
     * only if it is a {@link KafkaException} (the brokers' errors carry none); any other is the
     * JVM's fast throw of a {@code NullPointerException} or the like from hot code, which is ours.
     */
    static boolean raisedByTheLedger(final Throwable failure) {
        final Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        if (containsError(failure, seen)) {
            return true;
        }
        Throwable root = failure;
        seen.clear();
        // a chain may loop (a.initCause(b), b.initCause(a)): each exception is visited once
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            root = cause;
        }
        final StackTraceElement[] frames = root.getStackTrace();
        if (frames.length == 0) {
            return !(root instanceof KafkaException);
        }
        for (final StackTraceElement frame : frames) {
            final String type = frame.getClassName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type.startsWith(OWN_CODE);
            }
        }
        return false;
    }

    private static boolean containsError(final Throwable failure, final Set<Throwable> seen) {
        if (failure == null || !seen.add(failure)) {
            return false;
        }
        if (failure instanceof Error) {
            return true;
        }
        for (final Throwable suppressed : failure.getSuppressed()) {
            if (containsError(suppressed, seen)) {
                return true;
            }
        }
        return containsError(failure.getCause(), seen);
    }
}
