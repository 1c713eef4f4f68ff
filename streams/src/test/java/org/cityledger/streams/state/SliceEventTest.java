package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.totals.Contribution;
import org.junit.jupiter.api.Test;

/** A page reads an entry's kind and whether it counts without decoding it; both must agree with the decoded entry. */
class SliceEventTest {

    private static SliceEvent event(final EventKind kind, final long addedAt, final long removedAt) {
        return new SliceEvent("事件-e1", "KS-P-0042", 1_644_451_200_000L,
                new Contribution(kind, "kunshan", "displays", "CNY", new BigDecimal("100.00"), null), -1, addedAt, removedAt);
    }

    @Test
    void shouldReadTheKindOfAnEncodedEntryAsDecodingDoes() {
        for (final EventKind kind : EventKind.values()) {
            final byte[] bytes = event(kind, 5, SliceEvent.NOT_REMOVED).toBytes();

            assertThat(SliceEvent.kindOf(bytes)).isEqualTo(kind).isEqualTo(SliceEvent.fromBytes(bytes).contribution().kind());
        }
    }

    @Test
    void shouldTellWhetherAnEncodedEntryCountsAsOfACommitAsTheDecodedOneDoes() {
        final SliceEvent corrected = event(EventKind.FUNDING, 5, 9);
        final byte[] bytes = corrected.toBytes();

        for (final long committed : new long[] {4, 5, 8, 9, 10}) {
            assertThat(SliceEvent.countsAt(bytes, committed)).as("committed through %d", committed)
                    .isEqualTo(corrected.countsAt(committed));
        }
        assertThat(SliceEvent.countsAt(event(EventKind.SIGNING, 5, SliceEvent.NOT_REMOVED).toBytes(), 100)).isTrue();
    }
}
