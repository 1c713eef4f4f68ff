package org.cityledger.streams.topology;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cityledger.streams.LedgerConfig;

/** {@link PartitionHistory} read from the cluster with a consumer of its own, opened only when needed. */
final class KafkaPartitionHistory implements PartitionHistory {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(500);

    private final LedgerConfig config;

    KafkaPartitionHistory(final LedgerConfig config) {
        this.config = config;
    }

    @Override
    public long committedOffset(final TopicPartition partition) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(partition)) {
            // read_committed: waits for the offsets of a transaction still being decided
            final Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.of(partition), TIMEOUT);
            final OffsetAndMetadata offset = committed.get(partition);
            return offset == null ? -1 : offset.offset();
        }
    }

    @Override
    public void replay(final TopicPartition partition, final long from, final long to,
                       final Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(partition)) {
            consumer.assign(List.of(partition));
            final long start = consumer.beginningOffsets(List.of(partition), TIMEOUT).get(partition);
            if (start > from) {
                throw new IllegalStateException(partition + " starts at offset " + start + ", so the event index cannot be "
                        + "rebuilt from offset " + from + ": the events topic must keep its history (retention.ms=-1)");
            }
            consumer.seek(partition, from);
            while (consumer.position(partition, TIMEOUT) < to) {
                for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
                    if (record.offset() >= to) {
                        return;
                    }
                    each.accept(record);
                }
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(final TopicPartition partition) {
        final Properties props = config.kafka().clientProperties();
        // the ledger's group, for its committed offsets only: this consumer never subscribes nor commits
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.applicationId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.applicationId() + "-index-rebuild-" + partition.partition());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        // every record it reads is there already; and closing waits for the fetch in flight, which the
        // broker would otherwise hold for the default half second: every rebuild, even of one record,
        // took 0.5 s longer than its reading
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
