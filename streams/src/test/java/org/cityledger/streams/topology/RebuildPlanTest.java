package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RebuildPlanTest {

    @Test
    void shouldReadOnlyWhatWasCommittedElsewhereWhenTheMarkIsBehind() {
        assertThat(RebuildPlan.of(41L, false, 100)).isEqualTo(new RebuildPlan(false, 42, 100));
        assertThat(RebuildPlan.of(41L, false, 100).through()).isEqualTo(99);
    }

    @Test
    void shouldReadNothingWhenTheMarkIsAtTheCommittedOffset() {
        final RebuildPlan plan = RebuildPlan.of(99L, false, 100);

        assertThat(plan.replays()).isFalse();
        assertThat(plan.clear()).isFalse();
        assertThat(plan.through()).isEqualTo(99);
    }

    @Test
    void shouldClearAndRebuildWhenTheMarkIsAheadOfTheCommittedOffset() {
        assertThat(RebuildPlan.of(100L, false, 100)).isEqualTo(new RebuildPlan(true, 0, 100));
    }

    @Test
    void shouldClearAndRebuildANonEmptyIndexWithoutMark() {
        assertThat(RebuildPlan.of(null, false, 100)).isEqualTo(new RebuildPlan(true, 0, 100));
    }

    @Test
    void shouldRebuildAnEmptyIndexFromOffsetZero() {
        assertThat(RebuildPlan.of(null, true, 100)).isEqualTo(new RebuildPlan(false, 0, 100));
    }

    @Test
    void shouldStartEmptyWhenNothingWasEverCommitted() {
        final RebuildPlan fresh = RebuildPlan.of(null, true, -1);
        final RebuildPlan reset = RebuildPlan.of(5L, false, -1);

        assertThat(fresh.replays()).isFalse();
        assertThat(fresh.through()).isEqualTo(-1);
        assertThat(reset).isEqualTo(new RebuildPlan(true, 0, 0));
        assertThat(reset.through()).isEqualTo(-1);
    }

    @Test
    void shouldClearAndRebuildEverythingWhenTheProjectHistoryIsMissingBesideAnIndex() {
        // state written by a ledger that kept no project history: both must hold every record
        assertThat(RebuildPlan.of(41L, false, true, 100)).isEqualTo(new RebuildPlan(true, 0, 100));
    }

    @Test
    void shouldTrustAMarkedIndexAndHistoryTogether() {
        assertThat(RebuildPlan.of(41L, false, false, 100)).isEqualTo(new RebuildPlan(false, 42, 100));
    }
}
