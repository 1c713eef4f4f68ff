package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.TaskId;

/**
 * Tells the {@link CommitGatedStore}s of one ledger node how their stream thread's transactions
 * end. Under {@code exactly_once_v2} each stream thread has one transactional producer for all its
 * tasks, and commits or aborts on the stream thread itself; the producers this gate's
 * {@link #clientSupplier()} hands to Kafka Streams report each outcome, and the gate passes it on
 * to the stores that took part, which the stream thread registered in a thread-local set as it
 * processed. Public API only: {@code KafkaClientSupplier} and {@code Producer}.
 *
 * <p>A test driver has no producer of ours: a test calls {@link #committed()} itself, on the thread
 * that drove the records, once the driver has committed.
 */
public final class CommitGate {

    /** The moments of the commit protocol, as {@link Observer}s see them. */
    public enum Hook {
        /** Kafka Streams initialised a store (a task was created or revived). */
        INIT,
        /** The processor opened the store for processing. */
        OPEN,
        /** The processor closed: its task is suspended or closing, and the store lets its working state go. */
        SUSPEND,
        /** Kafka Streams flushed the store's cache: it staged its changes, if it had any. */
        FLUSH,
        /** The producer is asked to add the input offsets to the transaction. */
        SEND_OFFSETS,
        /** The producer is asked to commit the transaction. */
        COMMIT_TRANSACTION,
        /** The producer's commit failed. */
        COMMIT_FAILED,
        /** The producer is asked to abort the transaction. */
        ABORT_TRANSACTION,
        /** A store made its committed changes visible. */
        PUBLISH,
        /** A store dropped changes whose transaction did not commit. */
        DISCARD,
        /** Kafka Streams cleared a store's cache (a dirty close). */
        CLEAR_CACHE,
        /** Kafka Streams closed a store. */
        CLOSE
    }

    /** Sees every hook as it happens, on the thread it happens on; for the contract test of the protocol. */
    @FunctionalInterface
    public interface Observer {
        Observer NONE = (store, task, hook) -> { };

        /** {@code store} and {@code task} are null for the producer's hooks. */
        void observe(String store, TaskId task, Hook hook);
    }

    private final AtomicLong publications = new AtomicLong();
    private final AtomicInteger publishing = new AtomicInteger();
    private final ThreadLocal<Set<CommitGatedStore<?>>> involved = ThreadLocal.withInitial(LinkedHashSet::new);
    private final Observer observer;

    public CommitGate() {
        this(Observer.NONE);
    }

    public CommitGate(final Observer observer) {
        this.observer = Objects.requireNonNull(observer, "observer");
    }

    /** Producers, consumers and admin clients as Kafka Streams' defaults make them, the producers reporting to this gate. */
    public KafkaClientSupplier clientSupplier() {
        return clientSupplier(plainClients());
    }

    /** The clients Kafka Streams' own (internal) default supplier makes: for a test supplier to build on. */
    public static KafkaClientSupplier plainClients() {
        return new PlainClients();
    }

    /** As {@link #clientSupplier()}, over clients {@code delegate} makes (a test injecting faults). */
    public KafkaClientSupplier clientSupplier(final KafkaClientSupplier delegate) {
        return new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(final Map<String, Object> config) {
                return delegate.getAdmin(config);
            }

            @Override
            public Producer<byte[], byte[]> getProducer(final Map<String, Object> config) {
                return new GatedProducer(delegate.getProducer(config));
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(final Map<String, Object> config) {
                return delegate.getConsumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(final Map<String, Object> config) {
                return delegate.getRestoreConsumer(config);
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(final Map<String, Object> config) {
                return delegate.getGlobalConsumer(config);
            }
        };
    }

    /** The stream thread's transaction committed: every store that took part publishes. */
    public void committed() {
        for (final CommitGatedStore<?> store : drain()) {
            store.published();
        }
    }

    /**
     * How many times this node's stores have published a commit, or {@link #UNSETTLED} while one is
     * publishing: a seqlock over every store's committed state. Two equal settled readings mean
     * that the committed state did not change between them, whatever ran in between; a reader that
     * saw a commit's outcome (a verdict) reads a later count or {@link #UNSETTLED}.
     */
    public long settledPublications() {
        final long before = publications.get();
        final boolean quiet = publishing.get() == 0;
        return quiet && publications.get() == before ? before : UNSETTLED;
    }

    /** What {@link #settledPublications()} says while a store is publishing. */
    public static final long UNSETTLED = -1;

    /** A store is about to make a commit visible: readers must not trust what they read until {@link #afterPublish()}. */
    void beforePublish() {
        publishing.incrementAndGet();
    }

    void afterPublish() {
        publications.incrementAndGet();
        publishing.decrementAndGet();
    }

    /** The stream thread's transaction aborted or failed to commit: every store that took part discards. */
    public void discarded() {
        for (final CommitGatedStore<?> store : drain()) {
            store.discarded();
        }
    }

    void involve(final CommitGatedStore<?> store) {
        involved.get().add(store);
    }

    void observe(final String store, final TaskId task, final Hook hook) {
        observer.observe(store, task, hook);
    }

    private void beforeCommit() {
        for (final CommitGatedStore<?> store : involved.get()) {
            store.requireStaged();
        }
    }

    private List<CommitGatedStore<?>> drain() {
        final Set<CommitGatedStore<?>> stores = involved.get();
        final List<CommitGatedStore<?>> drained = new ArrayList<>(stores);
        stores.clear();
        return drained;
    }

    /** A stream thread's producer, reporting the outcome of each transaction to the gate. */
    private final class GatedProducer extends ForwardingProducer {

        GatedProducer(final Producer<byte[], byte[]> delegate) {
            super(delegate);
        }

        @Override
        public void sendOffsetsToTransaction(final Map<TopicPartition, OffsetAndMetadata> offsets,
                                             final ConsumerGroupMetadata groupMetadata) {
            observe(null, null, Hook.SEND_OFFSETS);
            // before the offsets join the transaction: committing offsets whose state is not in it would lose counts
            beforeCommit();
            super.sendOffsetsToTransaction(offsets, groupMetadata);
        }

        @Override
        public void commitTransaction() {
            observe(null, null, Hook.COMMIT_TRANSACTION);
            beforeCommit();
            try {
                super.commitTransaction();
            } catch (final RuntimeException e) {
                // a commit that failed, or timed out, is not known to have happened: Kafka Streams closes
                // the tasks dirty and restores them from the changelog, which then says what happened
                observe(null, null, Hook.COMMIT_FAILED);
                discarded();
                throw e;
            }
            committed();
        }

        @Override
        public void abortTransaction() {
            observe(null, null, Hook.ABORT_TRANSACTION);
            try {
                super.abortTransaction();
            } finally {
                discarded();
            }
        }
    }

    /** The clients Kafka Streams would make itself (its own supplier is internal). */
    private static final class PlainClients implements KafkaClientSupplier {

        @Override
        public Admin getAdmin(final Map<String, Object> config) {
            return Admin.create(config);
        }

        @Override
        public Producer<byte[], byte[]> getProducer(final Map<String, Object> config) {
            return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public Consumer<byte[], byte[]> getConsumer(final Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Consumer<byte[], byte[]> getRestoreConsumer(final Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }

        @Override
        public Consumer<byte[], byte[]> getGlobalConsumer(final Map<String, Object> config) {
            return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
    }
}
