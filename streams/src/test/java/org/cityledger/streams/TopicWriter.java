package org.cityledger.streams;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;

/** Writes events to the events topic as a publisher would (idempotent, acks=all, keyed by project), waiting for every ack. */
public final class TopicWriter {

    private static final EventCodec CODEC = new EventCodec();

    private TopicWriter() {
    }

    /** @return the offset of the last record written, by partition: what a reader waits for the ledger to have committed */
    public static Map<Integer, Long> publish(final String bootstrapServers, final List<LedgerEvent> events)
            throws InterruptedException, ExecutionException {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            final List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (final LedgerEvent e : events) {
                sends.add(producer.send(new ProducerRecord<>(Topics.EVENTS, e.project().id(), CODEC.encode(e))));
            }
            final Map<Integer, Long> last = new TreeMap<>();
            for (final Future<RecordMetadata> send : sends) {
                final RecordMetadata written = send.get();
                last.merge(written.partition(), written.offset(), Math::max);
            }
            return last;
        }
    }
}
