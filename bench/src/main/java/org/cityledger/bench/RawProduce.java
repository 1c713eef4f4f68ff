package org.cityledger.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.schema.KafkaConnection;

/**
 * Sends records through one raw idempotent producer and fails loudly if any send failed: a
 * benchmark that lost records would report a rate for work it did not do.
 */
final class RawProduce implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();
    private final Callback callback = (metadata, exception) -> {
        if (exception != null) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, exception);
        }
    };

    RawProduce(final KafkaConnection kafka, final String topic) {
        this.producer = new KafkaProducer<>(KafkaClients.throughputProducer(kafka), new StringSerializer(),
                new ByteArraySerializer());
        this.topic = topic;
    }

    void send(final String key, final byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), callback);
    }

    /** Waits for every acknowledgement; throws if any send failed. */
    void flush() {
        producer.flush();
        final long failed = failures.get();
        if (failed > 0) {
            throw new IllegalStateException(failed + " sends failed; the first: " + firstFailure.get(), firstFailure.get());
        }
    }

    /** Sends a whole prepared data set as fast as the producer takes it, and waits for the last acknowledgement. */
    static Throughput sendAll(final KafkaConnection kafka, final String topic, final EncodedEvents data, final Progress progress) {
        try (RawProduce produce = new RawProduce(kafka, topic)) {
            // metadata is fetched before the clock starts: the first send would otherwise wait for it
            produce.producer.partitionsFor(topic);
            final long start = System.nanoTime();
            final int size = data.size();
            for (int i = 0; i < size; i++) {
                produce.send(data.key(i), data.value(i));
                if ((i + 1) % 10_000 == 0) {
                    progress.update(i + 1);
                }
            }
            produce.flush();
            final double seconds = (System.nanoTime() - start) / 1e9;
            progress.update(size);
            return new Throughput(size, data.bytes(), seconds);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
