package org.cityledger.streams.topology;

import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The events topic's history of one partition, from which a task rebuilds its event index when it
 * opens without it (a new instance, a moved task, a crash). The events topic is the ledger's source
 * of truth and is kept forever, so the index needs no changelog of its own.
 */
public interface PartitionHistory {

    /** For a topology that never rebuilds (a test driver): nothing is ever committed before it. */
    PartitionHistory NONE = new PartitionHistory() {
        @Override
        public long committedOffset(final TopicPartition partition) {
            return -1;
        }

        @Override
        public void replay(final TopicPartition partition, final long from, final long to,
                           final Consumer<ConsumerRecord<byte[], byte[]>> each) {
            throw new IllegalStateException("no history to replay " + partition + " from");
        }
    };

    /** The ledger's committed offset of {@code partition} (the next record to process), or -1 if none. */
    long committedOffset(TopicPartition partition);

    /** Hands the committed records of {@code partition} at offsets {@code [from, to)} to {@code each}, in order. */
    void replay(TopicPartition partition, long from, long to, Consumer<ConsumerRecord<byte[], byte[]>> each);
}
