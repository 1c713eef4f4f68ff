package org.cityledger.streams.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

class CommittedSnapshotsTest {

    private static final String SELF = "localhost:8080";

    private final AtomicLong version = new AtomicLong();
    private final List<String> gathered = new ArrayList<>();
    private Provenance from = Provenance.of(SELF);

    private final PartialTotalsSource source = (prefix, ask) -> {
        gathered.add(prefix);
        return new Answer<>(Map.of(TotalsKey.SUMMARY, Totals.EMPTY), from);
    };
    private final CommittedSnapshots snapshots = new CommittedSnapshots(source, SELF, version::get);

    @Test
    void shouldAnswerFromTheSnapshotUntilTheNodeCommitsAgain() {
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).containsExactly(TotalsKey.SUMMARY);
    }

    @Test
    void shouldGatherAgainAfterACommitOrAStateChange() {
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        version.incrementAndGet();
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).containsExactly(TotalsKey.SUMMARY, TotalsKey.SUMMARY);
    }

    @Test
    void shouldKeepOneSnapshotPerPrefix() {
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        snapshots.totals(TotalsKey.DISTRICT_PREFIX, Ask.NOW);
        snapshots.totals(TotalsKey.DISTRICT_PREFIX, Ask.NOW);

        assertThat(gathered).containsExactly(TotalsKey.SUMMARY, TotalsKey.DISTRICT_PREFIX);
    }

    @Test
    void shouldGatherAnswersOtherInstancesContributedToEveryTime() {
        from = new Provenance(Set.of(SELF, "localhost:8081"), false, 0);

        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).hasSize(2);
    }

    @Test
    void shouldGatherStaleAnswersEveryTime() {
        from = new Provenance(Set.of(SELF), true, 3);

        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).hasSize(2);
    }

    @Test
    void shouldGatherAsOfAndLagBoundedQuestionsEveryTime() {
        snapshots.totals(TotalsKey.SUMMARY, Ask.asOf(Instant.parse("2022-02-10T00:00:00Z")));
        snapshots.totals(TotalsKey.SUMMARY, Ask.asOf(Instant.parse("2022-02-10T00:00:00Z")));
        snapshots.totals(TotalsKey.SUMMARY, new Ask(null, 10L));
        snapshots.totals(TotalsKey.SUMMARY, new Ask(null, 10L));

        assertThat(gathered).hasSize(4);
    }

    @Test
    void shouldNeitherServeNorKeepWhileACommitIsBeingPublished() {
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        final long settled = version.get();
        version.set(CommittedSnapshots.UNSETTLED);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);
        version.set(settled);
        snapshots.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).hasSize(3);
    }

    @Test
    void shouldNotKeepAnAnswerDuringWhoseGatheringACommitWasPublished() {
        final CommittedSnapshots racing = new CommittedSnapshots((prefix, ask) -> {
            gathered.add(prefix);
            // a commit lands while the partitions are read
            version.incrementAndGet();
            return new Answer<>(Map.of(TotalsKey.SUMMARY, Totals.EMPTY), from);
        }, SELF, version::get);

        racing.totals(TotalsKey.SUMMARY, Ask.NOW);
        version.set(0);
        racing.totals(TotalsKey.SUMMARY, Ask.NOW);

        assertThat(gathered).hasSize(2);
    }
}
