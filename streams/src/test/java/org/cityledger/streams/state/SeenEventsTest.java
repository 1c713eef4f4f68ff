package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeenEventsTest {

    @Test
    void shouldKnowEveryAddedIdAlsoAfterGrowingPastItsFirstFilter() {
        final SeenEvents seen = SeenEvents.withCapacity(0);
        for (int i = 0; i < 300_000; i++) {
            seen.add("ev-" + i);
        }

        for (int i = 0; i < 300_000; i++) {
            assertThat(seen.mightContain("ev-" + i)).as("ev-" + i).isTrue();
        }
    }

    @Test
    void shouldTellMostUnseenIdsApart() {
        final SeenEvents seen = SeenEvents.withCapacity(100_000);
        for (int i = 0; i < 100_000; i++) {
            seen.add("ev-" + i);
        }

        int falsePositives = 0;
        for (int i = 0; i < 100_000; i++) {
            if (seen.mightContain("other-" + i)) {
                falsePositives++;
            }
        }
        // about 1% by design: a filter that answered "maybe" to everything would spare no lookup
        assertThat(falsePositives).isLessThan(3_000);
    }

    @Test
    void shouldStayWithinItsMemoryBoundAndStillKnowEveryAddedId() {
        final long bound = 256 * 1024;
        final SeenEvents seen = SeenEvents.withCapacity(0, bound);
        for (int i = 0; i < 1_000_000; i++) {
            seen.add("ev-" + i);
        }

        assertThat(seen.bytes()).isLessThanOrEqualTo(bound);
        for (int i = 0; i < 1_000_000; i++) {
            assertThat(seen.mightContain("ev-" + i)).as("ev-" + i).isTrue();
        }
    }
}
