package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TotalsStoreTest {

    private static final long FEB_10 = 1_644_456_600_000L;

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final TotalsStore totals = new TotalsStore(clock::get);
    private KeyValueStore<String, byte[]> inner;

    @BeforeEach
    void open() {
        inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("totals"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        inner.init(new MockProcessorContext<>().getStateStoreContext(), inner);
        totals.open(inner);
        totals.rebuildHistory(java.util.List.of());
    }

    private static Contribution signing(final String amount) {
        return new Contribution(EventKind.SIGNING, "kunshan", "displays", "CNY", new BigDecimal(amount), null);
    }

    private void commit(final long through) {
        totals.stage(inner, through);
        totals.publish();
    }

    @Test
    void shouldShowReadersOnlyWhatACommitPublished() {
        totals.apply(signing("100.00"), 1, FEB_10);
        totals.stage(inner, 0);

        assertThat(totals.committed().slices()).doesNotContainKey(TotalsKey.SUMMARY);
        totals.publish();

        assertThat(totals.committed().slices().get(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
        assertThat(totals.committed().committedOffset()).isZero();
    }

    @Test
    void shouldKeepThePublishedTotalsWhenATransactionIsDiscarded() {
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(0);
        totals.apply(signing("5.00"), 1, FEB_10);
        totals.stage(inner, 1);

        totals.discard();

        assertThat(totals.committed().slices().get(TotalsKey.SUMMARY).signing().amounts()).containsEntry("CNY", new BigDecimal("100.00"));
    }

    @Test
    void shouldRestoreTheCommittedTotalsAndOffsetFromTheInnerStore() {
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(41);

        final TotalsStore reopened = new TotalsStore(clock::get);
        reopened.open(inner);

        assertThat(reopened.committed().committedOffset()).isEqualTo(41);
        assertThat(reopened.committed().slices().get(TotalsKey.district("kunshan")).signing().count()).isEqualTo(1);
    }

    @Test
    void shouldAnswerTheHistoryAtOnceWhileItIsAsFreshAsTheTotals() {
        final CompletableFuture<HistorySnapshot> history = totals.history();

        assertThat(history).isCompleted();
    }

    @Test
    void shouldMakeAHistoryReaderWaitForTheNextCommitWhenCommitsWentUnpublished() {
        // nobody asked for an hour: commits stopped publishing the history
        clock.addAndGet(3_600_000);
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(0);

        final CompletableFuture<HistorySnapshot> history = totals.history();
        assertThat(history).isNotDone();
        totals.apply(signing("1.00"), 1, FEB_10);
        commit(1);

        assertThat(history).isCompleted();
        assertThat(history.join().committedOffset()).isEqualTo(1);
        assertThat(history.join().periods().get(TotalsKey.history(TotalsKey.SUMMARY, TotalsKey.period(FEB_10))).signing().count())
                .isEqualTo(2);
    }

    @Test
    void shouldPublishTheHistoryOnAnIdleLedgerWhenAReaderWaits() {
        clock.addAndGet(3_600_000);
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(0);
        final CompletableFuture<HistorySnapshot> history = totals.history();

        totals.publishHistoryIfWanted();

        assertThat(history).isCompleted();
        assertThat(history.join().committedOffset()).isZero();
    }

    @Test
    void shouldNotPublishTheHistoryWhileRecordsWaitForACommit() {
        clock.addAndGet(3_600_000);
        commit(0);
        final CompletableFuture<HistorySnapshot> history = totals.history();
        totals.apply(signing("100.00"), 1, FEB_10);

        totals.publishHistoryIfWanted();

        assertThat(history).isNotDone();
    }

    @Test
    void shouldRefuseAStandbyReadMidwayThroughRestoringACommit() {
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(0);
        // a later commit's slice restored, its marker not yet
        final byte[] marker = inner.get(TotalsStore.COMMIT_MARKER);
        totals.apply(signing("1.00"), 1, FEB_10);
        commit(1);
        inner.put(TotalsStore.COMMIT_MARKER, marker);

        final QueryResult<?> answer = totals.query(new TotalsQuery(""), PositionBound.unbounded(), new QueryConfig(false), inner, false);

        assertThat(answer.isFailure()).isTrue();
        assertThat(answer.getFailureMessage()).contains("midway");
    }

    @Test
    void shouldAnswerAStandbyReadFromACompleteCommit() {
        totals.apply(signing("100.00"), 1, FEB_10);
        commit(0);

        final QueryResult<?> answer = totals.query(new TotalsQuery("D|"), PositionBound.unbounded(), new QueryConfig(false), inner, false);

        assertThat(answer.isSuccess()).isTrue();
        assertThat(answer.getResult()).asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.MAP).containsOnlyKeys("D|kunshan");
    }
}
