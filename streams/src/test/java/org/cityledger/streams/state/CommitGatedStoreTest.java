package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The commit protocol of {@link CommitGatedStore}, driven by hand the way Kafka Streams 4.4 and the
 * gate's producer drive it, and each way the order could go wrong refused loudly.
 */
class CommitGatedStoreTest {

    /** The group metadata a stream thread's consumer would give; its constructors are deprecated, a mock consumer makes one. */
    private static final ConsumerGroupMetadata GROUP = new MockConsumer<byte[], byte[]>("earliest").groupMetadata();

    private final CommitGate gate = new CommitGate();
    private final Recorder participant = new Recorder();
    private CommitGatedStore<Recorder> store;

    /** Writes "staged through N" per stage and tells what it was asked to do. */
    private static final class Recorder implements CommitParticipant {
        final List<String> calls = new ArrayList<>();
        long working;
        volatile long visible = -1;
        long staged = -1;

        @Override
        public void open(final KeyValueStore<String, byte[]> inner) {
            calls.add("open");
            working = -1;
        }

        @Override
        public void stage(final KeyValueStore<String, byte[]> inner, final long throughOffset) {
            calls.add("stage " + throughOffset);
            staged = throughOffset;
        }

        /** What the gate's seqlock read while this store was publishing. */
        long publicationsWhilePublishing = Long.MIN_VALUE;
        CommitGate gate;

        @Override
        public void publish() {
            calls.add("publish");
            visible = staged;
            if (gate != null) {
                publicationsWhilePublishing = gate.settledPublications();
            }
        }

        @Override
        public void discard() {
            calls.add("discard");
        }

        @Override
        public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config,
                                        final KeyValueStore<String, byte[]> inner, final boolean active) {
            return QueryResult.forFailure(FailureReason.UNKNOWN_QUERY_TYPE, "active=" + active);
        }
    }

    @BeforeEach
    void openStore() {
        store = new CommitGatedStore<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("gated"), Serdes.String(), Serdes.ByteArray())
                        .withLoggingDisabled().build(), participant, gate);
        initAndOpen();
    }

    private void initAndOpen() {
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
        store.open();
    }

    /** A transactional producer as Kafka Streams would get it from the gate's supplier. */
    private Producer<byte[], byte[]> producer() {
        final Producer<byte[], byte[]> producer = gate.clientSupplier(new KafkaClientSupplier() {
            @Override
            public Admin getAdmin(final Map<String, Object> config) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Producer<byte[], byte[]> getProducer(final Map<String, Object> config) {
                return new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
            }

            @Override
            public Consumer<byte[], byte[]> getConsumer(final Map<String, Object> config) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Consumer<byte[], byte[]> getRestoreConsumer(final Map<String, Object> config) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Consumer<byte[], byte[]> getGlobalConsumer(final Map<String, Object> config) {
                throw new UnsupportedOperationException();
            }
        }).getProducer(Map.of());
        producer.initTransactions();
        producer.beginTransaction();
        return producer;
    }

    @Test
    void shouldCountAPublishedCommitAndReadUnsettledWhileItIsPublished() {
        participant.gate = gate;
        final long before = gate.settledPublications();
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);
        store.flushCache();
        producer.sendOffsetsToTransaction(Map.of(), GROUP);
        producer.commitTransaction();

        assertThat(participant.publicationsWhilePublishing).isEqualTo(CommitGate.UNSETTLED);
        assertThat(gate.settledPublications()).isEqualTo(before + 1);
    }

    @Test
    void shouldPublishStagedChangesOnlyOnceTheirTransactionCommitted() {
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);
        store.flushCache();
        producer.sendOffsetsToTransaction(Map.of(), GROUP);

        assertThat(participant.visible).isEqualTo(-1);
        producer.commitTransaction();

        assertThat(participant.visible).isEqualTo(7);
        assertThat(participant.calls).containsExactly("open", "stage 7", "publish");
    }

    @Test
    void shouldDiscardStagedChangesWhenTheTransactionAborts() {
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);
        store.flushCache();

        producer.abortTransaction();

        assertThat(participant.visible).isEqualTo(-1);
        assertThat(participant.calls).containsExactly("open", "stage 7", "discard");
    }

    @Test
    void shouldRefuseToCommitOffsetsOfRecordsThatWereNotStaged() {
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);

        assertThatThrownBy(() -> producer.sendOffsetsToTransaction(Map.of(), GROUP))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("records through offset 7 were not staged");
        assertThat(participant.visible).isEqualTo(-1);
    }

    @Test
    void shouldRefuseToCommitTheTransactionWithUnstagedRecords() {
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);

        assertThatThrownBy(producer::commitTransaction).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Kafka Streams 4.4");
    }

    @Test
    void shouldRefuseARecordWhileStagedChangesAwaitTheirTransactionsOutcome() {
        store.beginRecord(7);
        store.flushCache();

        assertThatThrownBy(() -> store.beginRecord(8)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("await their transaction's outcome");
    }

    @Test
    void shouldRefuseARecordAfterAnAbortUntilTheStoreIsInitialisedAgain() {
        final Producer<byte[], byte[]> producer = producer();
        store.beginRecord(7);
        store.flushCache();
        producer.abortTransaction();

        assertThatThrownBy(() -> store.beginRecord(7)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("did not re-initialise it");
        initAndOpen();
        store.beginRecord(7);
        assertThat(participant.calls).containsExactly("open", "stage 7", "discard", "open");
    }

    @Test
    void shouldRefuseAPostCommitCallThatFindsUnstagedRecords() {
        store.beginRecord(7);

        assertThatThrownBy(() -> store.commit(Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not staged");
    }

    @Test
    void shouldLetASuspendedTaskLoadItsStateAfreshWhenItResumes() {
        store.suspend();

        assertThat(store.query(new TotalsQuery(""), PositionBound.unbounded(), new QueryConfig(false)).getFailureMessage())
                .isEqualTo("active=false");
        store.open();
        assertThat(participant.calls).containsExactly("open", "open");
    }

    @Test
    void shouldDiscardWhatWasNotCommittedWhenTheTaskClosesDirty() {
        store.beginRecord(7);

        store.suspend();

        assertThat(participant.calls).containsExactly("open", "discard");
        assertThatThrownBy(store::open).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldStageNothingWhenNoRecordCameSinceTheLastCommit() {
        final Producer<byte[], byte[]> producer = producer();
        store.flushCache();
        producer.commitTransaction();

        assertThat(participant.calls).containsExactly("open");
    }
}
