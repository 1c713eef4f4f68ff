package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.cityledger.domain.Amount;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.state.AuditIndex;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every record of a project is kept with what the ledger decided, in arrival order: what offices' verdicts and auditors' histories read. */
class ProjectHistoryTest {

    @TempDir
    Path stateDir;

    private final LedgerEvent e1 = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");

    @Test
    void shouldRecordACountedEventWithItsContributionAndArrival() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1.toBuilder().source("office:kunshan").build());

            assertThat(ledger.facts("P-e1")).singleElement().satisfies(fact -> {
                assertThat(fact.verdict()).isEqualTo(ProjectFact.Verdict.COUNTED);
                assertThat(fact.eventId()).isEqualTo("e1");
                assertThat(fact.offset()).isZero();
                assertThat(fact.arrivedAt()).isEqualTo(LedgerDriver.NOW.toEpochMilli());
                assertThat(fact.source()).isEqualTo("office:kunshan");
                assertThat(fact.contribution().amount()).isEqualByComparingTo("100.00");
                assertThat(fact.occurredAt()).isEqualTo(TestEvents.OCCURRED.toEpochMilli());
            });
        }
    }

    @Test
    void shouldRecordARedeliveryAsADuplicateOfTheCountedOffset() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            ledger.publish(e1);

            assertThat(ledger.facts("P-e1")).extracting(ProjectFact::verdict)
                    .containsExactly(ProjectFact.Verdict.COUNTED, ProjectFact.Verdict.DUPLICATE);
            assertThat(ledger.facts("P-e1").get(1).countedAt()).isZero();
        }
    }

    @Test
    void shouldRecordARefusalWithTheDeadLettersReason() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            ledger.publish(e1.toBuilder().amount(Amount.of("999.00", "CNY")).build());

            assertThat(ledger.facts("P-e1").get(1)).satisfies(fact -> {
                assertThat(fact.verdict()).isEqualTo(ProjectFact.Verdict.REFUSED);
                assertThat(fact.reason()).isEqualTo(DeadLetters.CONFLICTING_DUPLICATE);
            });
        }
    }

    @Test
    void shouldRecordACorrectionAsCountedAndNameTheEventItReplaced() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            ledger.publish(e1.toBuilder().eventId("fix").amount(Amount.of("90.00", "CNY")).corrects("e1").build());

            assertThat(ledger.facts("P-e1").get(1)).satisfies(fact -> {
                assertThat(fact.verdict()).isEqualTo(ProjectFact.Verdict.COUNTED);
                assertThat(fact.corrects()).isEqualTo("e1");
            });
        }
    }

    @Test
    void shouldRecordUnreadableBytesUnderTheirRecordKey() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publishRaw("P-junk", new byte[] {1, 2, 3});

            assertThat(ledger.facts("P-junk")).singleElement().satisfies(fact -> {
                assertThat(fact.verdict()).isEqualTo(ProjectFact.Verdict.REFUSED);
                assertThat(fact.eventId()).isNull();
                assertThat(fact.reason()).startsWith("unreadable:");
            });
        }
    }

    @Test
    void shouldForgetFactsThatArrivedBeforeTheHorizon() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            // much later, a record arrives whose time puts e1's arrival past the ten-year horizon
            ledger.publishArrivingAt(TestEvents.signing("late", "kunshan", "displays", "1.00", "CNY")
                    .toBuilder().occurredAt(Instant.parse("2033-01-01T00:00:00Z")).build(), Instant.parse("2033-01-01T00:00:00Z"));
            ledger.advanceWallClock(java.time.Duration.ofDays(4000));

            assertThat(ledger.facts("P-e1")).isEmpty();
        }
    }

    @Test
    void shouldForgetARefusalAndARedeliveryThatArrivedBeforeTheHorizonWithTheirEvent() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            ledger.publish(e1);
            ledger.publish(e1.toBuilder().amount(Amount.of("999.00", "CNY")).build());
            ledger.publishArrivingAt(TestEvents.signing("late", "kunshan", "displays", "1.00", "CNY")
                    .toBuilder().occurredAt(Instant.parse("2033-01-01T00:00:00Z")).build(), Instant.parse("2033-01-01T00:00:00Z"));
            ledger.advanceWallClock(java.time.Duration.ofDays(4000));

            assertThat(ledger.facts("P-e1")).isEmpty();
            assertThat(ledger.facts("P-late")).extracting(ProjectFact::verdict).containsExactly(ProjectFact.Verdict.COUNTED);
        }
    }

    @Test
    void shouldListCountedEventsOnThePartitionsTimelineInOrderOfOccurrenceThenId() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1.toBuilder().occurredAt(TestEvents.OCCURRED.plusSeconds(60)).build());
            ledger.publish(TestEvents.signing("e2", "sip", "5g", "2.00", "CNY"));
            ledger.publish(TestEvents.signing("e0", "wujiang", "software", "3.00", "CNY"));

            assertThat(ledger.listed(AuditIndex.timelineFrom(Long.MIN_VALUE), AuditIndex.timelineTo(Long.MAX_VALUE)))
                    .extracting(SliceEvent::eventId).containsExactly("e0", "e2", "e1");
            assertThat(ledger.listed(AuditIndex.sliceFrom("sip", "5g", Long.MIN_VALUE), AuditIndex.sliceTo("sip", "5g", Long.MAX_VALUE)))
                    .extracting(SliceEvent::eventId).containsExactly("e2");
        }
    }

    @Test
    void shouldMarkACorrectedEventOnTheTimelineAsInItsCell() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            final SliceEvent listedBefore = ledger.listed(AuditIndex.timelineFrom(Long.MIN_VALUE),
                    AuditIndex.timelineTo(Long.MAX_VALUE)).get(0);
            ledger.publish(e1.toBuilder().eventId("fix").amount(Amount.of("90.00", "CNY")).corrects("e1").build());

            final List<SliceEvent> timeline = ledger.listed(AuditIndex.timelineFrom(Long.MIN_VALUE),
                    AuditIndex.timelineTo(Long.MAX_VALUE));
            assertThat(timeline).extracting(SliceEvent::eventId, SliceEvent::removedAt)
                    .containsExactly(tuple("e1", 1L), tuple("fix", SliceEvent.NOT_REMOVED));
            // rewritten from the event index, not read back: everything but the removing offset as first written
            assertThat(timeline.get(0)).isEqualTo(listedBefore.removedAt(1L));
            assertThat(timeline).isEqualTo(ledger.listed(AuditIndex.sliceFrom("kunshan", "displays", Long.MIN_VALUE),
                    AuditIndex.sliceTo("kunshan", "displays", Long.MAX_VALUE)));
        }
    }

    @Test
    void shouldForgetTimelineEntriesOfEventsPastTheHorizon() {
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            ledger.publish(e1);
            ledger.publishArrivingAt(TestEvents.signing("late", "kunshan", "displays", "1.00", "CNY")
                    .toBuilder().occurredAt(Instant.parse("2033-01-01T00:00:00Z")).build(), Instant.parse("2033-01-01T00:00:00Z"));
            ledger.advanceWallClock(java.time.Duration.ofDays(4000));

            assertThat(ledger.listed(AuditIndex.timelineFrom(Long.MIN_VALUE), AuditIndex.timelineTo(Long.MAX_VALUE)))
                    .extracting(SliceEvent::eventId).containsExactly("late");
        }
    }
}
