package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.EventCodec;
import org.junit.jupiter.api.Test;

/** The pure parts of stages 9-12: what they ask, what they send, what they plan. */
class OfficeStagesTest {

    private static final ProjectCatalog CATALOG = ProjectCatalog.create(7, 2_000);

    @Test
    void shouldReconcileEachSizeOnceRaisedToTheHistoryThereIs() {
        assertThat(ReconcileStage.plan(List.of(10_000_000L, 1_000_000L), 1_260_000L))
                .containsExactly(1_260_000L, 10_000_000L);
    }

    @Test
    void shouldReconcileTheHistoryOnceWhenItHoldsMoreThanEverySize() {
        assertThat(ReconcileStage.plan(List.of(100L, 200L), 500L)).containsExactly(500L);
    }

    @Test
    void shouldDrawOnlyNewEventsOfTheOfficesDistrict() {
        final OfficeEvents events = new OfficeEvents(new EventCodec(), CATALOG, 7, "t", "kunshan");

        for (int i = 0; i < 500; i++) {
            final LedgerEvent event = events.next();
            assertThat(event.district()).isEqualTo("kunshan");
            assertThat(event.corrects()).isNull();
        }
    }

    @Test
    void shouldGiveDistinctEventIdsToDistinctDataSets() {
        final LedgerEvent first = new OfficeEvents(new EventCodec(), CATALOG, 7, "a", "kunshan").next();
        final LedgerEvent second = new OfficeEvents(new EventCodec(), CATALOG, 7, "b", "kunshan").next();

        assertThat(first.eventId()).isNotEqualTo(second.eventId());
    }

    @Test
    void shouldLeaveTheSourceToTheLedger() {
        final LedgerEvent event = new OfficeEvents(new EventCodec(), CATALOG, 7, "t", "kunshan").next();

        assertThat(event.source()).isNotNull();
        assertThat(OfficeEvents.json(new IngestJson(), event)).doesNotContain("\"source\"");
    }

    @Test
    void shouldSendOneEventAsAnObjectAndSeveralAsAnArray() {
        assertThat(new String(OfficeEvents.body(List.of("{\"a\":1}")), StandardCharsets.UTF_8)).isEqualTo("{\"a\":1}");
        assertThat(new String(OfficeEvents.body(List.of("{\"a\":1}", "{\"b\":2}")), StandardCharsets.UTF_8))
                .isEqualTo("[{\"a\":1},{\"b\":2}]");
    }

    @Test
    void shouldRefuseARequestWithoutEvents() {
        assertThatThrownBy(() -> OfficeEvents.body(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldCountVerdictsWithoutOverlaps() {
        final byte[] needle = "\"verdict\":\"counted\"".getBytes(StandardCharsets.US_ASCII);
        final byte[] answer = ("{\"events\":[{\"verdict\":\"counted\"},{\"verdict\":\"duplicate\"},{\"verdict\":\"counted\"}]}")
                .getBytes(StandardCharsets.US_ASCII);

        assertThat(IngestStage.occurrences(answer, needle)).isEqualTo(2);
    }

    @Test
    void shouldAppendACursorToAFirstPage() {
        assertThat(AuditLoad.withCursor("/api/events?limit=100&district=kunshan", "abc"))
                .isEqualTo("/api/events?limit=100&district=kunshan&cursor=abc");
    }

    @Test
    void shouldReplaceTheCursorOfAFollowedPage() {
        assertThat(AuditLoad.withCursor("/api/events?limit=100&cursor=old&to=x", "new"))
                .isEqualTo("/api/events?limit=100&to=x&cursor=new");
        assertThat(AuditLoad.withCursor("/api/events?cursor=old", "new")).isEqualTo("/api/events?cursor=new");
    }

    @Test
    void shouldAskForPagesOfAHundredEventsIn2022() {
        final String path = AuditStage.eventsPage(new SplittableRandom(1));

        assertThat(path).startsWith("/api/events?limit=100").contains("&from=", "&to=")
                .matches(".*&from=\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z&to=\\d{4}-\\d\\d-\\d\\dT[0-9:]+Z");
    }

    @Test
    void shouldExplainATotal() {
        final SplittableRandom random = new SplittableRandom(3);
        for (int i = 0; i < 50; i++) {
            assertThat(AuditStage.explain(random)).startsWith("/api/totals/").contains("?explain=true");
        }
    }

    @Test
    void shouldListTheDistrictsWithMostProjectsFirst() {
        final List<String> districts = CATALOG.districtsBySize();

        assertThat(districts).doesNotHaveDuplicates();
        for (int i = 1; i < districts.size(); i++) {
            assertThat(size(districts.get(i - 1))).isGreaterThanOrEqualTo(size(districts.get(i)));
        }
    }

    @Test
    void shouldAcceptTheOkAnswersOfEachIngestCase() {
        final IngestStage.Case plain = new IngestStage.Case("p", 100, false);
        final IngestStage.Case waiting = new IngestStage.Case("w", 100, true);

        assertThat(plain.accepted(202)).isTrue();
        assertThat(plain.accepted(200)).isFalse();
        assertThat(waiting.accepted(200)).isTrue();
        assertThat(waiting.accepted(202)).isTrue();
        assertThat(waiting.accepted(422)).isFalse();
        assertThat(waiting.path()).isEqualTo("/api/events?wait=PT5S");
    }

    private static int size(final String district) {
        return CATALOG.ofDistrict(district).size();
    }
}
