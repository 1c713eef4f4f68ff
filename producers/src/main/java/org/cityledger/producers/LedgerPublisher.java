package org.cityledger.producers;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes ledger events to {@link Topics#EVENTS} through an idempotent producer ({@code acks=all}),
 * so a retry inside the client never writes a record twice and an acknowledged record survives the
 * loss of a broker. The record key is the project id: every fact about a project, its corrections
 * and its duplicates land in one partition, in order.
 *
 * <p>Every event is checked with {@link EventRules} first; an invalid event is refused with an
 * {@link IngestException} and never sent. A send that fails is never swallowed: it completes the
 * future {@link #publish} returned exceptionally, and the next {@link #flush} (or {@link #close})
 * throws a {@link PublishException} counting it.
 *
 * <p>Thread-safe. Dependent stages attached to a returned future without an executor run on the
 * producer's I/O thread and must be short.
 */
public final class LedgerPublisher implements EventSink, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LedgerPublisher.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;
    private final String topic;
    private final EventCodec codec = new EventCodec();
    private final EventRules rules;
    private final Clock clock;
    private final Object failureLock = new Object();
    private long failuresSinceFlush;
    private Throwable firstFailureSinceFlush;

    /** An idempotent Kafka producer for {@code bootstrapServers}, with the defaults of {@link #producerConfig}. */
    public LedgerPublisher(final String bootstrapServers) {
        this(bootstrapServers, new Properties());
    }

    /**
     * @param extra further producer settings (client id, security, timeouts); they may not weaken
     *              delivery, see {@link #producerConfig}
     */
    public LedgerPublisher(final String bootstrapServers, final Properties extra) {
        this(new KafkaProducer<>(producerConfig(bootstrapServers, extra), new StringSerializer(), new ByteArraySerializer()));
    }

    /**
     * A publisher over {@code connection} (its security settings), with {@code extra} settings under
     * the connection's, writing to {@code topic}: {@link Topics#EVENTS}, or an office's inbox on a
     * secured cluster ({@link Topics#inbox(String)}).
     */
    public LedgerPublisher(final KafkaConnection connection, final Properties extra, final String topic) {
        this(new KafkaProducer<>(producerConfig(connection.bootstrapServers(), connection.clientProperties(extra)),
                new StringSerializer(), new ByteArraySerializer()), EventRules.defaults(), Clock.systemUTC(), topic);
    }

    /** A publisher to {@link Topics#EVENTS} over {@code connection}. */
    public LedgerPublisher(final KafkaConnection connection, final Properties extra) {
        this(connection, extra, Topics.EVENTS);
    }

    /** Publishes through a producer the caller configured; this publisher closes it. */
    public LedgerPublisher(final Producer<String, byte[]> producer) {
        this(producer, EventRules.defaults(), Clock.systemUTC());
    }

    /**
     * @param clock the time {@code rules} judge {@code occurredAt} against
     */
    public LedgerPublisher(final Producer<String, byte[]> producer, final EventRules rules, final Clock clock) {
        this(producer, rules, clock, Topics.EVENTS);
    }

    private LedgerPublisher(final Producer<String, byte[]> producer, final EventRules rules, final Clock clock,
                            final String topic) {
        this.topic = Objects.requireNonNull(topic, "topic");
        this.producer = Objects.requireNonNull(producer, "producer");
        this.rules = Objects.requireNonNull(rules, "rules");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The producer settings this publisher runs with: idempotence and {@code acks=all} (fixed),
     * lz4 compression and a short linger so that a file's events travel in few batches (defaults),
     * then {@code extra}.
     *
     * @throws IllegalArgumentException if {@code extra} would turn off idempotence, lower {@code acks},
     *                                  choose serializers or name other bootstrap servers
     */
    public static Properties producerConfig(final String bootstrapServers, final Properties extra) {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        final Properties config = new Properties();
        config.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, "65536");
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        for (final Map.Entry<Object, Object> setting : extra.entrySet()) {
            config.put(setting.getKey(), setting.getValue());
        }
        refuseUnless(extra, ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, List.of(bootstrapServers));
        refuseUnless(extra, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, List.of("true"));
        refuseUnless(extra, ProducerConfig.ACKS_CONFIG, List.of("all", "-1"));
        refuseUnless(extra, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, List.of());
        refuseUnless(extra, ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, List.of());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        return config;
    }

    private static void refuseUnless(final Properties extra, final String key, final List<String> allowed) {
        final Object value = extra.get(key);
        if (value != null && !allowed.contains(String.valueOf(value))) {
            throw new IllegalArgumentException("producer setting " + key + "=" + value + " is not allowed: "
                    + (allowed.isEmpty() ? "the publisher sets it itself" : "the publisher needs " + allowed.get(0)));
        }
    }

    /**
     * Checks and sends one event.
     *
     * @return completes with the record's metadata once the broker acknowledged it, or exceptionally
     *         with the reason it was not published
     * @throws IngestException if the event breaks a rule; nothing is sent
     */
    public CompletableFuture<RecordMetadata> publish(final LedgerEvent event) {
        Objects.requireNonNull(event, "event");
        refuseIfInvalid(event, "event " + event.eventId() + " refused");
        final ProducerRecord<String, byte[]> record =
                new ProducerRecord<>(topic, event.project().id(), codec.encode(event));
        final CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        try {
            producer.send(record, (metadata, exception) -> {
                if (exception == null) {
                    result.complete(metadata);
                } else {
                    fail(event, result, exception);
                }
            });
        } catch (final RuntimeException e) {
            // some errors (closed producer, metadata timeout, interrupt) are thrown instead of called back;
            // they go the same way so that a caller who only flushes still hears of them
            fail(event, result, e);
        }
        return result;
    }

    /**
     * Checks every event, sends them all if all pass, and waits for every acknowledgement.
     *
     * @throws IngestException  naming the first event that breaks a rule; then none is sent
     * @throws PublishException if any send failed (including sends made before this call and not yet flushed)
     */
    @Override
    public PublishResult publishAll(final Iterable<LedgerEvent> events, final ProgressListener progress) {
        final List<LedgerEvent> batch = new ArrayList<>();
        events.forEach(batch::add);
        for (int i = 0; i < batch.size(); i++) {
            final LedgerEvent event = batch.get(i);
            refuseIfInvalid(event, "event " + (i + 1) + " of " + batch.size() + " (" + event.eventId()
                    + ") refused, so none was sent");
        }
        final long started = System.nanoTime();
        long done = 0;
        for (final LedgerEvent event : batch) {
            publish(event);
            done++;
            progress.onProgress(done, batch.size());
        }
        flush();
        final Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.info("published {} events to {} in {} ms", batch.size(), topic, elapsed.toMillis());
        return new PublishResult(batch.size(), elapsed);
    }

    /**
     * Waits until every event sent so far is acknowledged or has failed.
     *
     * @throws PublishException counting the sends that failed since the previous flush; each failure
     *                          is reported by one flush only
     */
    public void flush() {
        producer.flush();
        throwFailures();
    }

    /**
     * Waits up to 30 seconds for outstanding sends, then closes the producer.
     *
     * @throws PublishException if sends failed that no flush reported yet
     */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
        throwFailures();
    }

    private void refuseIfInvalid(final LedgerEvent event, final String subject) {
        final List<Violation> violations = rules.check(event, clock.instant());
        if (!violations.isEmpty()) {
            throw new IngestException(subject, violations);
        }
    }

    private void fail(final LedgerEvent event, final CompletableFuture<RecordMetadata> result, final Throwable cause) {
        if (!result.completeExceptionally(cause)) {
            return;
        }
        final boolean first;
        synchronized (failureLock) {
            failuresSinceFlush++;
            first = firstFailureSinceFlush == null;
            if (first) {
                firstFailureSinceFlush = cause;
            }
        }
        // when the cluster is down every send fails alike; one full report is enough
        if (first) {
            LOG.warn("event {} of project {} was not published", event.eventId(), event.project().id(), cause);
        } else {
            LOG.debug("event {} of project {} was not published: {}", event.eventId(), event.project().id(), cause.toString());
        }
    }

    private void throwFailures() {
        final long failed;
        final Throwable first;
        synchronized (failureLock) {
            failed = failuresSinceFlush;
            first = firstFailureSinceFlush;
            failuresSinceFlush = 0;
            firstFailureSinceFlush = null;
        }
        if (failed > 0) {
            throw new PublishException(failed, first);
        }
    }
}
