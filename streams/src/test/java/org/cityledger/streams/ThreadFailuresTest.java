package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.streams.errors.StreamsException;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.junit.jupiter.api.Test;

class ThreadFailuresTest {

    @Test
    void shouldReplaceAThreadWhoseTransactionTheBrokersCouldNotComplete() {
        final StreamsException failure = new StreamsException("Error encountered trying to commit a transaction",
                new InvalidTxnStateException("The producer attempted a transactional operation in an invalid state."));

        assertThat(ThreadFailures.responseTo(failure)).isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldReplaceAThreadThatTimedOutOnTheCluster() {
        assertThat(ThreadFailures.responseTo(new StreamsException(new TimeoutException("no leader"))))
                .isEqualTo(StreamThreadExceptionResponse.REPLACE_THREAD);
    }

    @Test
    void shouldShutTheNodeDownOnABugOfTheLedger() {
        assertThat(ThreadFailures.responseTo(new StreamsException(new IllegalStateException("unknown slice event format version 9"))))
                .isEqualTo(StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
    }
}
