package org.cityledger.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import org.cityledger.streams.state.DeadLetter;
import org.cityledger.streams.state.DeadLetterPage;
import org.junit.jupiter.api.Test;

class DeadLetterServiceTest {

    private static final long T0 = 1_644_456_600_000L; // 2022-02-10T01:30:00Z

    private static DeadLetterPage.Item item(final int partition, final long offset, final long rejectedAt) {
        final DeadLetter letter = new DeadLetter(rejectedAt, "unknown district 'atlantis'", "ev-" + partition + "-" + offset,
                "ledger.events", partition, offset, "P-" + offset, ("bytes " + offset).getBytes(StandardCharsets.UTF_8));
        return new DeadLetterPage.Item(letter.sortKey(), letter);
    }

    /** Three partitions; their dead letters interleave in time. Seven in all. */
    private static final List<List<DeadLetterPage.Item>> PARTITIONS = List.of(
            List.of(item(0, 0, T0 + 1), item(0, 1, T0 + 4), item(0, 2, T0 + 7)),
            List.of(item(1, 0, T0 + 2), item(1, 1, T0 + 5)),
            List.of(item(2, 0, T0 + 3), item(2, 5, T0 + 6)));

    /** The partitions as the store answers: newest first, older than {@code before}, at most {@code limit}. */
    private static List<DeadLetterPage> answer(final List<List<DeadLetterPage.Item>> partitions, final String before, final int limit) {
        final List<DeadLetterPage> pages = new ArrayList<>();
        for (final List<DeadLetterPage.Item> partition : partitions) {
            final List<DeadLetterPage.Item> items = partition.stream()
                    .filter(i -> before == null || i.sortKey().compareTo(before) < 0)
                    .sorted(Comparator.comparing(DeadLetterPage.Item::sortKey).reversed())
                    .limit(limit)
                    .toList();
            pages.add(new DeadLetterPage(partition.size(), items));
        }
        return pages;
    }

    private final List<Object[]> requests = new ArrayList<>();

    private final BiFunction<String, Integer, List<DeadLetterPage>> partitions = (before, limit) -> {
        requests.add(new Object[] {before, limit});
        return answer(PARTITIONS, before, limit);
    };

    private final DeadLetterService service = new DeadLetterService(partitions);

    private static List<Long> rejectedAt(final List<DeadLetterPage.Item> items) {
        return items.stream().map(i -> i.letter().rejectedAt() - T0).toList();
    }

    @Test
    void shouldMergePartitionsNewestFirst() {
        final DeadLetterService.Page page = service.page(null, 10);
        assertThat(rejectedAt(page.items())).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
    }

    @Test
    void shouldOrderLettersRejectedAtTheSameInstantByPartitionAndOffset() {
        final DeadLetterService service = new DeadLetterService((before, limit) -> answer(List.of(
                List.of(item(0, 9, T0)), List.of(item(1, 3, T0), item(1, 10, T0))), before, limit));
        final DeadLetterService.Page page = service.page(null, 10);
        assertThat(page.items()).extracting(i -> i.letter().partition() + "/" + i.letter().offset())
                .containsExactly("1/10", "1/3", "0/9");
    }

    @Test
    void shouldCountTheTotalOverAllPartitions() {
        assertThat(service.page(null, 2).total()).isEqualTo(7);
    }

    @Test
    void shouldReturnAtMostLimitItems() {
        final DeadLetterService.Page page = service.page(null, 3);
        assertThat(rejectedAt(page.items())).containsExactly(7L, 6L, 5L);
    }

    @Test
    void shouldGiveNoNextCursorWhenEverythingFits() {
        assertThat(service.page(null, 7).nextCursor()).isNull();
    }

    @Test
    void shouldGiveANextCursorWhenMoreRemain() {
        assertThat(service.page(null, 6).nextCursor()).isNotNull();
    }

    @Test
    void shouldPageThroughEveryLetterOnceFollowingTheCursor() {
        final List<DeadLetterPage.Item> seen = new ArrayList<>();
        final List<Integer> pageSizes = new ArrayList<>();
        String cursor = null;
        do {
            final DeadLetterService.Page page = service.page(cursor, 3);
            seen.addAll(page.items());
            pageSizes.add(page.items().size());
            cursor = page.nextCursor();
        } while (cursor != null && pageSizes.size() < 10);

        assertThat(pageSizes).containsExactly(3, 3, 1);
        assertThat(rejectedAt(seen)).containsExactly(7L, 6L, 5L, 4L, 3L, 2L, 1L);
        assertThat(seen).extracting(DeadLetterPage.Item::sortKey).doesNotHaveDuplicates();
    }

    @Test
    void shouldEndWithoutAnEmptyPageWhenTheLastPageIsFull() {
        final DeadLetterService.Page first = service.page(null, 4);
        final DeadLetterService.Page second = service.page(first.nextCursor(), 3);
        assertThat(rejectedAt(second.items())).containsExactly(3L, 2L, 1L);
        assertThat(second.nextCursor()).isNull();
    }

    @Test
    void shouldAskEachPartitionForItemsOlderThanTheCursor() {
        final DeadLetterService.Page first = service.page(null, 2);
        service.page(first.nextCursor(), 2);
        assertThat(requests.get(0)[0]).isNull();
        assertThat(requests.get(1)[0]).isEqualTo(first.items().get(1).sortKey());
    }

    @Test
    void shouldKeepTheTotalOnLaterPages() {
        final DeadLetterService.Page first = service.page(null, 2);
        assertThat(service.page(first.nextCursor(), 2).total()).isEqualTo(7);
    }

    @Test
    void shouldAnswerAnEmptyPageWhenThereAreNoDeadLetters() {
        final DeadLetterService empty = new DeadLetterService((before, limit) -> answer(List.of(List.of(), List.of()), before, limit));
        final DeadLetterService.Page page = empty.page(null, 50);
        assertThat(page.total()).isZero();
        assertThat(page.items()).isEmpty();
        assertThat(page.nextCursor()).isNull();
    }

    @Test
    void shouldRefuseLimitZero() {
        assertThatThrownBy(() -> service.page(null, 0))
                .isInstanceOfSatisfying(BadQueryException.class, e -> assertThat(e.field()).isEqualTo("limit"))
                .hasMessage("limit: must be between 1 and 500, got 0");
        assertThat(requests).isEmpty();
    }

    @Test
    void shouldRefuseLimitAboveTheMaximum() {
        assertThatThrownBy(() -> service.page(null, 501))
                .isInstanceOfSatisfying(BadQueryException.class, e -> assertThat(e.field()).isEqualTo("limit"))
                .hasMessage("limit: must be between 1 and 500, got 501");
    }

    @Test
    void shouldAcceptTheMaximumLimit() {
        assertThat(service.page(null, DeadLetterService.MAX_LIMIT).items()).hasSize(7);
    }

    @Test
    void shouldRefuseAGarbageCursor() {
        assertThatThrownBy(() -> service.page("not a cursor!", 10))
                .isInstanceOfSatisfying(BadQueryException.class, e -> assertThat(e.field()).isEqualTo("cursor"))
                .hasMessage("cursor: not a cursor this API returned");
        assertThat(requests).isEmpty();
    }
}
