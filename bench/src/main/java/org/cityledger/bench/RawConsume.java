package org.cityledger.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cityledger.schema.KafkaConnection;

/** Reads a topic from the beginning to given end offsets with one raw consumer, as kafka-consumer-perf-test does. */
final class RawConsume {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STALL = Duration.ofSeconds(60);

    private RawConsume() {
    }

    /** Records and bytes read, and the time from the first poll to the last record. */
    static Throughput readAll(final KafkaConnection kafka, final Map<TopicPartition, Long> endOffsets,
                                     final Progress progress) {
        final long expected = KafkaClients.sum(endOffsets);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(KafkaClients.rawConsumer(kafka),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            final List<TopicPartition> partitions = new ArrayList<>(endOffsets.keySet());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long records = 0;
            long bytes = 0;
            final long start = System.nanoTime();
            long lastProgress = start;
            while (!reached(consumer, endOffsets)) {
                final ConsumerRecords<byte[], byte[]> batch = consumer.poll(POLL);
                if (batch.isEmpty()) {
                    if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                        throw new IllegalStateException("consumer stalled at " + records + " of " + expected + " records");
                    }
                    continue;
                }
                lastProgress = System.nanoTime();
                for (final ConsumerRecord<byte[], byte[]> record : batch) {
                    records++;
                    bytes += (record.key() == null ? 0 : record.key().length) + record.value().length;
                }
                progress.update(records);
            }
            final double seconds = (System.nanoTime() - start) / 1e9;
            return new Throughput(records, bytes, seconds);
        }
    }

    private static boolean reached(final KafkaConsumer<byte[], byte[]> consumer, final Map<TopicPartition, Long> end) {
        for (final Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }
}
