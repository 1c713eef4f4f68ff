package org.cityledger.bench;

import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.cityledger.schema.KafkaConnection;

/** Client settings and admin look-ups the stages share. */
final class KafkaClients {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private KafkaClients() {
    }

    /**
     * The raw producer of the ceiling and of the replay history: idempotent and {@code acks=all} like
     * the ledger's publisher, lz4 like it, but with larger batches and more memory, as a producer
     * tuned for throughput would be (kafka-producer-perf-test's usual settings).
     */
    static Properties throughputProducer(final KafkaConnection kafka) {
        final Properties props = new Properties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "10");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(64L * 1024 * 1024));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "ledger-bench-producer");
        // the connection holds no key the harness sets for itself here (idempotence, acks): KafkaConnection refuses them
        return kafka.clientProperties(props);
    }

    /** A raw consumer reading as the ledger does (read_committed, the ledger's poll size), without a group. */
    static Properties rawConsumer(final KafkaConnection kafka) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-bench-consumer");
        return kafka.clientProperties(props);
    }

    static Admin admin(final KafkaConnection kafka) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "ledger-bench-admin");
        return Admin.create(kafka.clientProperties(props));
    }

    /** Log end offsets of every partition of {@code topic}. */
    static Map<TopicPartition, Long> endOffsets(final Admin admin, final String topic, final int partitions) {
        final Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            request.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        final Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> answer = get(admin.listOffsets(request).all());
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((tp, info) -> offsets.put(tp, info.offset()));
        return offsets;
    }

    /** Offsets the consumer group {@code groupId} has committed on {@code topic}; partitions without a commit are absent. */
    static Map<TopicPartition, Long> committed(final Admin admin, final String groupId, final String topic) {
        final Map<TopicPartition, OffsetAndMetadata> answer =
                get(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata());
        final Map<TopicPartition, Long> offsets = new HashMap<>();
        answer.forEach((tp, meta) -> {
            if (meta != null && tp.topic().equals(topic)) {
                offsets.put(tp, meta.offset());
            }
        });
        return offsets;
    }

    static long sum(final Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }

    static <T> T get(final KafkaFuture<T> future) {
        try {
            return future.get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cluster", e);
        } catch (final ExecutionException e) {
            throw new IllegalStateException("cluster request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (final TimeoutException e) {
            throw new IllegalStateException("cluster did not answer within " + ADMIN_TIMEOUT, e);
        }
    }
}
