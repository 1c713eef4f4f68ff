package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

    private static final String PRODUCER_STATE = "org.apache.kafka.clients.producer.internals.TransactionManager";
    private static final String LEDGER_STORE = "org.cityledger.streams.state.CommitGatedStore";

    private final AtomicLong nanos = new AtomicLong();
    private final ThreadFailures failures = new ThreadFailures(1, nanos::get);

    @Test
    void shouldReplaceAThreadWhoseTransactionTheBrokersCouldNotComplete() {
        // a broker's error has no stack trace (ApiException does not fill one in)
        final InvalidTxnStateException brokerError = withoutStackTrace(
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        assertThat(failures.responseTo(new StreamsException("Error encountered trying to commit a transaction", brokerError)))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldReplaceAThreadThatTimedOutOnTheCluster() {
        assertThat(failures.responseTo(new StreamsException(raisedIn(new TimeoutException("no leader"), PRODUCER_STATE))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldReplaceAThreadWhoseProducerAFailoverLeftInAStateNoListedErrorNames() {
        final IllegalStateException producerState = raisedIn(new IllegalStateException(
                "Invalid transition attempted from state COMMITTING_TRANSACTION to state ABORTING_TRANSACTION"), PRODUCER_STATE);

        assertThat(failures.responseTo(producerState)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutTheNodeDownOnABugOfTheLedger() {
        final IllegalStateException bug = raisedIn(new IllegalStateException("unknown slice event format version 9"), LEDGER_STORE);

        assertThat(failures.responseTo(new StreamsException(bug))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldTakeTheLedgersCallIntoTheJdkForTheLedgersOwnFailure() {
        final NullPointerException bug = new NullPointerException("project");
        bug.setStackTrace(new StackTraceElement[] {frame("java.util.Objects"), frame(LEDGER_STORE)});

        assertThat(failures.responseTo(new StreamsException(bug))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldShutTheNodeDownWhenTheJvmIsInTrouble() {
        // raised in Kafka's code, so that only its being an Error tells
        final StreamsException failure = new StreamsException(raisedIn(new OutOfMemoryError("Java heap space"), PRODUCER_STATE));

        assertThat(failures.responseTo(failure)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldShutTheNodeDownWhenAnErrorWasSuppressedOnTheWay() {
        final StreamsException failure = clusterFailure();
        failure.addSuppressed(raisedIn(new StackOverflowError(), PRODUCER_STATE));

        assertThat(failures.responseTo(failure)).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldTakeAFastThrownExceptionWithoutStackTraceForTheLedgers() {
        // what HotSpot's OmitStackTraceInFastThrow throws from hot code: no frames at all
        final NullPointerException fastThrown = withoutStackTrace(new NullPointerException());

        assertThat(failures.responseTo(new StreamsException(fastThrown))).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldAnswerForAChainOfCausesThatLoops() {
        final IllegalStateException first = raisedIn(new IllegalStateException("a"), PRODUCER_STATE);
        final IllegalStateException second = raisedIn(new IllegalStateException("b"), PRODUCER_STATE);
        first.initCause(second);
        second.initCause(first);

        assertThat(failures.responseTo(first)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutTheNodeDownWhenThreadsKeepFailingWithinTheWindow() {
        for (int i = 0; i < ThreadFailures.REPLACEMENTS_PER_THREAD; i++) {
            assertThat(failures.responseTo(clusterFailure())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
            nanos.addAndGet(ThreadFailures.WINDOW.toNanos() / (ThreadFailures.REPLACEMENTS_PER_THREAD + 1));
        }

        assertThat(failures.responseTo(clusterFailure())).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldAllowEachStreamThreadItsShareOfReplacements() {
        final ThreadFailures twoThreads = new ThreadFailures(2, nanos::get);
        for (int i = 0; i < 2 * ThreadFailures.REPLACEMENTS_PER_THREAD; i++) {
            assertThat(twoThreads.responseTo(clusterFailure())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
        }

        assertThat(twoThreads.responseTo(clusterFailure())).isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }

    @Test
    void shouldReplaceAgainOnceEarlierFailuresAreOlderThanTheWindow() {
        for (int i = 0; i < ThreadFailures.REPLACEMENTS_PER_THREAD; i++) {
            failures.responseTo(clusterFailure());
        }
        nanos.addAndGet(ThreadFailures.WINDOW.toNanos());

        assertThat(failures.responseTo(clusterFailure())).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldSayWhyItStoppedTheNode() {
        assertThat(failures.whyStopped(raisedIn(new IllegalStateException("x"), LEDGER_STORE))).contains("a bug");
        assertThat(failures.whyStopped(clusterFailure())).contains("more than " + ThreadFailures.REPLACEMENTS_PER_THREAD + " times");
    }

    private static StreamsException clusterFailure() {
        return new StreamsException(withoutStackTrace(new InvalidTxnStateException("invalid state")));
    }

    private static <T extends Throwable> T raisedIn(final T failure, final String type) {
        failure.setStackTrace(new StackTraceElement[] {frame(type)});
        return failure;
    }

    private static <T extends Throwable> T withoutStackTrace(final T failure) {
        failure.setStackTrace(new StackTraceElement[0]);
        return failure;
    }

    private static StackTraceElement frame(final String type) {
        return new StackTraceElement(type, "call", type.substring(type.lastIndexOf('.') + 1) + ".java", 1);
    }
}
