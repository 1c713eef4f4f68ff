package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class LedgerConfigTest {

    private final LedgerConfig defaults = LedgerConfig.defaults("localhost:9092", Path.of("state"));

    @Test
    void shouldRunAStreamThreadPerCoreAtMostOnePerPartition() {
        final int cores = Runtime.getRuntime().availableProcessors();

        assertThat(defaults.streamThreads()).isEqualTo(Math.min(cores, 6));
        assertThat(defaults.withStreamThreads(3).streamsProperties().get(StreamsConfig.NUM_STREAM_THREADS_CONFIG)).isEqualTo(3);
    }

    @Test
    void shouldRefuseFewerThanOneStreamThread() {
        assertThatThrownBy(() -> defaults.withStreamThreads(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("streamThreads: must be at least 1, got 0");
    }

    @Test
    void shouldNotIdleTasksThatReadOnePartitionEach() {
        assertThat(defaults.streamsProperties().get(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG))
                .isEqualTo(StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
    }

    @Test
    void shouldGiveAnIndexRebuildFiveMinutesBeforeItsTransactionOrPollIntervalRunsOut() {
        assertThat(defaults.streamsProperties().get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
                .isEqualTo(300_000);
        assertThat(defaults.streamsProperties().get(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)))
                .isEqualTo(300_000);
    }
}
