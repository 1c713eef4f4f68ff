package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
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
    void shouldRefuseARocksDbBoundTooSmallForTheStores() {
        assertThatThrownBy(() -> defaults.withRocksDbMemoryBytes(1 << 20))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rocksDbMemoryBytes: must be at least");
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
    @SuppressWarnings("deprecation") // the switch is deprecated only because Kafka 5.0 turns it on for good
    void shouldEnableTheGlobalProcessingHandlerAlsoWhereEachStreamThreadRereadsTheConfig() {
        final StreamsConfig streams = new StreamsConfig(defaults.streamsProperties());
        // what each stream thread's partition assignor parses (AssignorConfiguration): the main consumer's settings
        final Map<String, Object> mainConsumer = streams.getMainConsumerConfigs(LedgerConfig.DEFAULT_APPLICATION_ID, "client", 1);

        assertThat(streams.getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG)).isTrue();
        assertThat(new StreamsConfig(mainConsumer).getBoolean(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG))
                .isTrue();
    }

    @Test
    void shouldGiveAnIndexRebuildFiveMinutesBeforeItsTransactionOrPollIntervalRunsOut() {
        assertThat(defaults.streamsProperties().get(StreamsConfig.producerPrefix(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG)))
                .isEqualTo(300_000);
        assertThat(defaults.streamsProperties().get(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG)))
                .isEqualTo(300_000);
    }
}
