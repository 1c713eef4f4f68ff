package org.cityledger.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.schema.EventCodec;
import org.junit.jupiter.api.Test;

class DeciderTest {

    private static final long ARRIVAL = Instant.parse("2022-03-01T00:00:00Z").toEpochMilli();
    private final EventCodec codec = new EventCodec();
    private final Decider decider = new Decider(EventRules.defaults());

    private static LedgerEvent signing(final String id, final String amount) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId(id).occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("kunshan").sector("displays").project(new ProjectRef("P-1", "Line", "Co", "strategic-emerging"))
                .amount(Amount.of(amount, "CNY")).build();
    }

    private Decision decide(final LedgerEvent event) {
        return decider.decide(event.project().id(), codec.encode(event), ARRIVAL, null);
    }

    @Test
    void shouldCountANewEvent() {
        assertThat(decide(signing("e1", "10.00")).outcome()).isEqualTo(Decision.Outcome.COUNTED);
    }

    @Test
    void shouldIgnoreARedeliveryEvenFromAnotherChannelOrWithAnotherScale() {
        decide(signing("e1", "10.00"));

        assertThat(decide(signing("e1", "10.0").toBuilder().source("office:kunshan").build()).outcome())
                .isEqualTo(Decision.Outcome.DUPLICATE);
    }

    @Test
    void shouldRefuseAReuseOfAnIdForOtherContent() {
        decide(signing("e1", "10.00"));

        final Decision decision = decide(signing("e1", "11.00"));

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(decision.reason()).isEqualTo("conflicting duplicate");
    }

    @Test
    void shouldReplaceWhatACorrectionCorrectsAndRefuseASecondCorrectionOfIt() {
        final LedgerEvent original = signing("e1", "10.00");
        decide(original);

        final Decision fix = decide(signing("fix", "9.00").toBuilder().corrects("e1").build());
        final Decision again = decide(signing("fix-2", "8.00").toBuilder().corrects("e1").build());

        assertThat(fix.outcome()).isEqualTo(Decision.Outcome.COUNTED);
        assertThat(fix.replaced().eventId()).isEqualTo(original.eventId());
        assertThat(again.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(decider.corrected()).containsExactly("e1");
    }

    @Test
    void shouldLetACorrectionBeCorrected() {
        decide(signing("e1", "10.00"));
        decide(signing("fix", "9.00").toBuilder().corrects("e1").build());

        final Decision second = decide(signing("fix-2", "8.00").toBuilder().corrects("fix").build());

        assertThat(second.outcome()).isEqualTo(Decision.Outcome.COUNTED);
        assertThat(second.replaced().eventId()).isEqualTo("fix");
    }

    @Test
    void shouldRefuseACorrectionOfAnUnknownEventOrOfAnotherKind() {
        decide(signing("e1", "10.00"));

        assertThat(decide(signing("fix", "9.00").toBuilder().corrects("nobody").build()).outcome()).isEqualTo(Decision.Outcome.REFUSED);
        final LedgerEvent funding = LedgerEvent.builder(EventKind.FUNDING).eventId("f1").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("kunshan").sector("displays").project(new ProjectRef("P-1", "Line", "Co", "strategic-emerging"))
                .amount(Amount.of("1.00", "CNY")).program("fiscal-support").corrects("e1").build();
        assertThat(decide(funding).outcome()).isEqualTo(Decision.Outcome.REFUSED);
    }

    @Test
    void shouldRefuseACorrectionOfAnotherProjectsEvent() {
        decide(signing("e1", "10.00"));

        final Decision fix = decide(signing("fix", "9.00").toBuilder().project(new ProjectRef("P-2", "Other", "Co", "strategic-emerging"))
                .corrects("e1").build());

        assertThat(fix.reason()).isEqualTo("invalid correction: event 'e1' is of another project");
        assertThat(decider.corrected()).isEmpty();
    }

    @Test
    void shouldRefuseUnreadableBytesAnInvalidEventAndAKeyThatIsNotTheProject() {
        assertThat(decider.decide("P-1", new byte[] {1, 2, 3}, ARRIVAL, null).reason()).startsWith("unreadable:");
        assertThat(decide(signing("e2", "10.00").toBuilder().district("atlantis").build()).reason()).startsWith("invalid:");
        assertThat(decider.decide("P-2", codec.encode(signing("e3", "1.00")), ARRIVAL, null).reason()).contains("key: must be the project id");
    }

    @Test
    void shouldJudgeTimeByArrivalNotByTheClock() {
        // occurred 2022-02-10, arrived eleven years later: older than the ten-year horizon then
        final Decision decision = decider.decide("P-1", codec.encode(signing("old", "1.00")),
                Instant.parse("2033-01-01T00:00:00Z").toEpochMilli(), null);

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(decision.reason()).contains("older than the ledger's horizon");
    }

    @Test
    void shouldRefuseARecordTheInboxStageRefusedWithItsReason() {
        final LedgerEvent foreign = signing("e1", "10.00");

        final Decision decision = decider.decide(foreign.project().id(), codec.encode(foreign), ARRIVAL,
                "district 'kunshan' published through wujiang's inbox");

        assertThat(decision.outcome()).isEqualTo(Decision.Outcome.REFUSED);
        assertThat(decision.reason()).isEqualTo("district 'kunshan' published through wujiang's inbox");
    }

    @Test
    void shouldCountTheEventIdOfARecordTheInboxStageRefusedWhenItComesRightly() {
        final LedgerEvent event = signing("e1", "10.00");
        decider.decide(event.project().id(), codec.encode(event), ARRIVAL, "district 'kunshan' published through wujiang's inbox");

        assertThat(decide(event).outcome()).isEqualTo(Decision.Outcome.COUNTED);
    }

    @Test
    void shouldGiveTheInboxStagesReasonForUnreadableBytesItRefused() {
        assertThat(decider.decide("P-1", new byte[] {1, 2, 3}, ARRIVAL, "unreadable: not an event").reason())
                .isEqualTo("unreadable: not an event");
    }
}
