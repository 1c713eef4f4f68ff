package org.cityledger.streams;

import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;

/**
 * What a node does when one of its stream threads dies. Bad input never gets that far (it is
 * dead-lettered), so what remains is either the cluster failing under the thread or a bug. A
 * transaction the brokers could not complete — its coordinator moved with a broker that stopped
 * ({@link InvalidTxnStateException}, seen in ComposeClusterIT when a broker of three was stopped),
 * an epoch gone stale, a timeout — leaves nothing wrong with the ledger: a new thread with a new
 * producer restores the tasks from their last commit, exactly once, and goes on. Anything else is
 * a bug and stops the node loudly rather than repeating itself.
 */
final class ThreadFailures {

    private ThreadFailures() {
    }

    static StreamThreadExceptionResponse responseTo(final Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidTxnStateException || cause instanceof InvalidProducerEpochException
                    || cause instanceof RetriableException) {
                return StreamThreadExceptionResponse.REPLACE_THREAD;
            }
        }
        return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
}
