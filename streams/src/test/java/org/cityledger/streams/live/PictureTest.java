package org.cityledger.streams.live;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

class PictureTest {

    private static Totals signings(final long count, final String cny) {
        return new Totals(new KindTotals(count, Map.of("CNY", new BigDecimal(cny)), Map.of()), KindTotals.EMPTY, KindTotals.EMPTY);
    }

    private static PartitionTotals partition(final long sequence, final long offset, final Map<String, Totals> slices) {
        return new PartitionTotals(sequence, offset, 0, new TreeMap<>(slices));
    }

    @Test
    void shouldAddThePartitionsUpSliceBySliceLeavingOutTheHistory() {
        final Picture picture = Picture.of(List.of(
                partition(1, 10, Map.of(TotalsKey.SUMMARY, signings(1, "10.00"), TotalsKey.district("gusu"), signings(1, "10.00"),
                        TotalsKey.history(TotalsKey.SUMMARY, 600), signings(1, "10.00"))),
                partition(4, 20, Map.of(TotalsKey.SUMMARY, signings(2, "5.50"), TotalsKey.district("sip"), signings(2, "5.50")))));

        assertThat(picture.slices()).containsOnlyKeys(TotalsKey.SUMMARY, TotalsKey.district("gusu"), TotalsKey.district("sip"));
        assertThat(picture.slice(TotalsKey.SUMMARY)).isEqualTo(signings(3, "15.50"));
        assertThat(picture.offsets()).containsExactly(10L, 20L);
    }

    @Test
    void shouldListOnlyTheSlicesThatChangedWithTheirNewTotals() {
        final Picture before = Picture.of(List.of(partition(1, 10, Map.of(TotalsKey.SUMMARY, signings(1, "10.00"),
                TotalsKey.district("gusu"), signings(1, "10.00"), TotalsKey.district("sip"), signings(0, "0.00")))));
        final Picture after = Picture.of(List.of(partition(2, 11, Map.of(TotalsKey.SUMMARY, signings(2, "12.00"),
                TotalsKey.district("gusu"), signings(1, "10.00"), TotalsKey.district("sip"), signings(1, "2.00")))));

        assertThat(after.changedSince(before)).containsOnly(
                Map.entry(TotalsKey.SUMMARY, signings(2, "12.00")), Map.entry(TotalsKey.district("sip"), signings(1, "2.00")));
    }

    @Test
    void shouldGiveASliceThatNoLongerCountsAnythingAsEmpty() {
        final Picture before = Picture.of(List.of(partition(1, 10, Map.of(TotalsKey.cell("gusu", "5g"), signings(1, "1.00")))));
        final Picture after = Picture.of(List.of(partition(2, 11, Map.of(TotalsKey.cell("gusu", "5g"), Totals.EMPTY))));

        assertThat(after.changedSince(before)).containsOnly(Map.entry(TotalsKey.cell("gusu", "5g"), Totals.EMPTY));
    }

    @Test
    void shouldHaveMovedOnlyWhenSomePartitionCommitted() {
        final Picture before = Picture.of(List.of(partition(1, 10, Map.of()), partition(1, 5, Map.of())));

        assertThat(Picture.of(List.of(partition(1, 10, Map.of()), partition(1, 5, Map.of()))).movedSince(before)).isFalse();
        assertThat(Picture.of(List.of(partition(1, 10, Map.of()), partition(2, 5, Map.of()))).movedSince(before)).isTrue();
    }
}
