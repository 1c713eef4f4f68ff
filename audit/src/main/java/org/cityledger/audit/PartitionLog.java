package org.cityledger.audit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.cityledger.schema.LedgerHeaders;

/**
 * The events topic read with a plain consumer, {@code read_committed}, one partition at a time from
 * offset 0: what the reconciliation and the export go by, not the ledger's state.
 */
public final class PartitionLog implements AutoCloseable {

    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /**
     * One record as read.
     *
     * @param refusal its {@link LedgerHeaders#REFUSED} header: why the ledger's inbox stage refused it; else null
     */
    public record Entry(long offset, long timestamp, String key, byte[] value, String refusal) {
    }

    /** Told of every record read, in offset order. */
    @FunctionalInterface
    public interface Reader {
        void read(Entry entry);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;

    /**
     * @param clientSettings further consumer settings (security, ...), applied last but for deserializers and isolation
     */
    public PartitionLog(final String bootstrapServers, final String topic, final Properties clientSettings) {
        final Properties props = new Properties();
        props.putAll(clientSettings);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString().toLowerCase(Locale.ROOT));
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "ledger-audit");
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
    }

    /** How many partitions the topic has. */
    public int partitions() {
        return consumer.partitionsFor(topic, TIMEOUT).size();
    }

    /** Each partition's end: the offset after its last committed record. */
    public Map<Integer, Long> ends(final int partitions) {
        final Map<TopicPartition, Long> ends = consumer.endOffsets(partitionsOf(partitions), TIMEOUT);
        final Map<Integer, Long> byPartition = new TreeMap<>();
        ends.forEach((tp, end) -> byPartition.put(tp.partition(), end));
        return byPartition;
    }

    /**
     * Hands every record of {@code partition} from offset 0 through {@code through} (inclusive) to {@code reader}.
     *
     * @throws IllegalStateException if the partition no longer starts at offset 0 (the events topic must keep its history)
     */
    public long read(final int partition, final long through, final Reader reader) {
        if (through < 0) {
            return 0;
        }
        final TopicPartition tp = new TopicPartition(topic, partition);
        consumer.assign(List.of(tp));
        final long start = consumer.beginningOffsets(List.of(tp), TIMEOUT).get(tp);
        if (start > 0) {
            throw new IllegalStateException(tp + " starts at offset " + start + ": the events topic has lost its first records, "
                    + "so nothing can recompute the ledger from it (it must keep its history, retention.ms=-1)");
        }
        consumer.seek(tp, 0);
        long read = 0;
        while (consumer.position(tp, TIMEOUT) <= through) {
            for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(tp)) {
                if (record.offset() > through) {
                    return read;
                }
                reader.read(new Entry(record.offset(), record.timestamp(),
                        record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8), record.value(),
                        LedgerHeaders.value(record.headers(), LedgerHeaders.REFUSED)));
                read++;
            }
        }
        return read;
    }

    private Set<TopicPartition> partitionsOf(final int partitions) {
        final Set<TopicPartition> all = new HashSet<>();
        for (int p = 0; p < partitions; p++) {
            all.add(new TopicPartition(topic, p));
        }
        return all;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
