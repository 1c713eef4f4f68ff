package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cityledger.streams.topology.LedgerDriver.header;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.test.TestRecord;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.state.DeadLetter;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inbox stage of a secured ledger: an office's inbox moves into the events topic, its own district only. */
class InboxStageTest {

    @TempDir
    Path stateDir;

    private LedgerDriver ledger;

    @BeforeEach
    void startDriver() {
        ledger = new LedgerDriver(LedgerConfig.defaults("unused:9092", stateDir).withInboxes(true));
    }

    @AfterEach
    void closeDriver() {
        ledger.close();
    }

    @Test
    void shouldMoveAnOfficesOwnDistrictIntoTheEventsTopic() {
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"));

        final List<TestRecord<String, byte[]>> moved = ledger.writtenToEvents();
        assertThat(moved).hasSize(1);
        assertThat(LedgerDriver.decode(moved.get(0).value()).eventId()).isEqualTo("ks-1");
        assertThat(moved.get(0).key()).isEqualTo("P-ks-1");
    }

    @Test
    void shouldCountWhatItMoved() {
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"));

        assertThat(ledger.totals(TotalsKey.district("kunshan")).events()).isEqualTo(1);
    }

    @Test
    void shouldStampTheMovedRecordWithThePublishingOffice() {
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"));

        assertThat(header(ledger.writtenToEvents().get(0), LedgerTopology.OFFICE_HEADER)).isEqualTo("kunshan");
    }

    @Test
    void shouldSetTheMovedEventsSourceToThePublishingOfficeWhateverItClaimed() {
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY").toBuilder()
                .source("office:wujiang").build());

        assertThat(LedgerDriver.decode(ledger.writtenToEvents().get(0).value()).source()).isEqualTo("office:kunshan");
    }

    @Test
    void shouldRefuseAnotherDistrictsEventWithTheReason() {
        ledger.publishToInbox("kunshan", TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"));

        final TestRecord<String, byte[]> dead = ledger.nextDeadLetter();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("district 'wujiang' published through kunshan's inbox");
        assertThat(header(dead, DeadLetters.EVENT_ID)).isEqualTo("wj-1");
        // refused by the ledger processor, from the events topic, naming the office that published it
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        assertThat(header(dead, LedgerTopology.OFFICE_HEADER)).isEqualTo("kunshan");
    }

    @Test
    void shouldKeepAnotherDistrictsEventInTheDeadLetterStoreAndCountIt() {
        ledger.publishToInbox("kunshan", TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"));

        final DeadLetter letter = ledger.deadLetterPage(null, 10).items().get(0).letter();
        assertThat(letter.reason()).isEqualTo("district 'wujiang' published through kunshan's inbox");
        assertThat(letter.eventId()).isEqualTo("wj-1");
        assertThat(ledger.deadLetterCount()).isEqualTo(1);
    }

    @Test
    void shouldMoveAnotherDistrictsEventOnlyMarkedRefusedAndCountNoneOfIt() {
        final LedgerEvent foreign = TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY");
        ledger.publishToInbox("kunshan", foreign);

        final List<TestRecord<String, byte[]>> moved = ledger.writtenToEvents();
        assertThat(moved).hasSize(1);
        assertThat(header(moved.get(0), LedgerTopology.REFUSED_HEADER)).isEqualTo("district 'wujiang' published through kunshan's inbox");
        // byte for byte what the office wrote, as every dead letter keeps it
        assertThat(moved.get(0).value()).isEqualTo(LedgerDriver.encode(foreign));
        assertThat(ledger.totals(TotalsKey.SUMMARY).events()).isZero();
    }

    @Test
    void shouldRecordTheRefusalInTheProjectsHistoryWithThePublishingOffice() {
        ledger.publishToInbox("kunshan", TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"));

        final ProjectFact fact = ledger.facts("P-wj-1").get(0);
        assertThat(fact.verdict()).isEqualTo(ProjectFact.Verdict.REFUSED);
        assertThat(fact.reason()).isEqualTo("district 'wujiang' published through kunshan's inbox");
        assertThat(fact.source()).isEqualTo("office:kunshan");
    }

    @Test
    void shouldCountTheRightfulOfficesEventOfAnIdRefusedThroughAnotherInbox() {
        ledger.publishToInbox("kunshan", TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"));
        ledger.publishToInbox("wujiang", TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"));

        assertThat(ledger.totals(TotalsKey.district("wujiang")).events()).isEqualTo(1);
    }

    @Test
    void shouldDeadLetterUnreadableBytesOfAnInbox() {
        ledger.publishRawToInbox("kunshan", "KS-P-1", "not avro".getBytes(StandardCharsets.UTF_8));

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).startsWith("unreadable: ");
        assertThat(ledger.deadLetterCount()).isEqualTo(1);
    }

    @Test
    void shouldDropARefusalHeaderAnOfficeWroteOnItsOwnEvent() {
        final Headers forged = new RecordHeaders().add(LedgerTopology.REFUSED_HEADER, "forged".getBytes(StandardCharsets.UTF_8))
                .add(LedgerTopology.OFFICE_HEADER, "wujiang".getBytes(StandardCharsets.UTF_8));
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"), forged);

        final TestRecord<String, byte[]> moved = ledger.writtenToEvents().get(0);
        assertThat(header(moved, LedgerTopology.REFUSED_HEADER)).isNull();
        assertThat(header(moved, LedgerTopology.OFFICE_HEADER)).isEqualTo("kunshan");
        assertThat(ledger.totals(TotalsKey.district("kunshan")).events()).isEqualTo(1);
    }

    @Test
    void shouldRefuseAnyEventsTopicRecordCarryingTheRefusalHeaderWithItsReason() {
        // the ledger processor's rule, whoever wrote the record: only the ledger can, on a secured cluster
        final Headers refused = new RecordHeaders().add(LedgerTopology.REFUSED_HEADER,
                "district 'wujiang' published through kunshan's inbox".getBytes(StandardCharsets.UTF_8));
        ledger.publishWithHeaders(TestEvents.signing("wj-1", "wujiang", "displays", "100.00", "CNY"), refused);

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).isEqualTo("district 'wujiang' published through kunshan's inbox");
        assertThat(ledger.totals(TotalsKey.SUMMARY).events()).isZero();
        assertThat(ledger.deadLetterCount()).isEqualTo(1);
    }

    @Test
    void shouldCountARedeliveryThroughTheInboxOnce() {
        ledger.publishToInbox("kunshan", TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"));
        ledger.publish(TestEvents.signing("ks-1", "kunshan", "displays", "100.00", "CNY"));

        assertThat(ledger.totals(TotalsKey.district("kunshan")).events()).isEqualTo(1);
    }
}
