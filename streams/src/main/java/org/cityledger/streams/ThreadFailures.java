package org.cityledger.streams;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a node does when one of its stream threads dies. Bad input never gets that far (it is
 * dead-lettered), so what remains is either the cluster failing under the thread or a bug.
 *
 * <p>A failure whose root cause the ledger's own code raised (an invariant it checks, a
 * {@code NullPointerException} in it) is a bug, and an {@link Error} is the JVM in trouble: the node
 * stops loudly rather than repeating it.
 * Anything else came from Kafka — a transaction the brokers could not complete because its
 * coordinator moved with a broker that stopped ({@code InvalidTxnStateException}, seen in
 * ComposeClusterIT when a broker of three stopped), an epoch gone stale, a timeout, a producer
 * whose transaction state the failover left unusable — and leaves nothing wrong with the ledger: a
 * new thread with a new producer restores the tasks from their last commit, exactly once, and goes
 * on. Which of Kafka's exceptions a failover raises differs between versions and timings, so the
 * rule does not list them; a budget stops the node instead when threads keep failing ({@link #MAX_REPLACEMENTS}
 * within {@link #WINDOW}): then the cluster is not getting over it, or the fault is ours after all, and
 * a supervisor's restart (the compose file's restart policy) or an operator is the better help.
 *
 * <p>Kafka Streams calls the handler from the failing stream thread; with several threads the
 * budget is shared, hence the lock.
 */
final class ThreadFailures {

    /** Replacements allowed within {@link #WINDOW}; one more and the node stops. */
    static final int MAX_REPLACEMENTS = 5;
    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final String OWN_CODE = "org.cityledger.";

    private final LongSupplier nanoTime;
    private final Deque<Long> replacements = new ArrayDeque<>();

    ThreadFailures() {
        this(System::nanoTime);
    }

    ThreadFailures(final LongSupplier nanoTime) {
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
        if (replacements.size() >= MAX_REPLACEMENTS) {
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        }
        replacements.addLast(now);
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }

    /** Why {@link #responseTo} stopped the node on {@code failure}, for its log line. */
    static String whyStopped(final Throwable failure) {
        return raisedByTheLedger(failure)
                ? "the ledger's own code failed (a bug, or the JVM out of resources: a new thread would only repeat it)"
                : "stream threads failed more than " + MAX_REPLACEMENTS + " times within " + WINDOW.toMinutes()
                + " minutes (the cluster is not getting over it)";
    }

    /**
     * Whether {@code failure} is the ledger's own: an {@link Error} anywhere in its chain (the JVM out of
     * memory, say), or an innermost cause whose first frame outside the JDK is the ledger's code.
     * Kafka's errors from brokers carry no stack trace at all; they count as Kafka's.
     */
    static boolean raisedByTheLedger(final Throwable failure) {
        Throwable root = failure;
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof Error) {
                return true;
            }
            root = cause;
        }
        for (final StackTraceElement frame : root.getStackTrace()) {
            final String type = frame.getClassName();
            if (!type.startsWith("java.") && !type.startsWith("jdk.") && !type.startsWith("sun.")) {
                return type.startsWith(OWN_CODE);
            }
        }
        return false;
    }
}
