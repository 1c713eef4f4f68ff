package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cityledger.streams.topology.LedgerDriver.header;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.test.TestRecord;
import org.cityledger.domain.Amount;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTopologyTest {

    @TempDir
    Path stateDir;

    private LedgerDriver ledger;

    @BeforeEach
    void startDriver() {
        ledger = new LedgerDriver(stateDir);
    }

    @AfterEach
    void closeDriver() {
        ledger.close();
    }

    private void publish(final LedgerEvent event) {
        ledger.publish(event);
    }

    private Totals totals(final String key) {
        return ledger.totals(key);
    }

    private static Map<String, BigDecimal> money(final String currency, final String value) {
        return Map.of(currency, new BigDecimal(value));
    }

    @Test
    void shouldCountSigningInEverySlice() {
        publish(TestEvents.signing("e1", "kunshan", "displays", "1500000000.00", "CNY"));

        for (final String key : List.of(TotalsKey.SUMMARY, TotalsKey.district("kunshan"), TotalsKey.sector("displays"),
                TotalsKey.cell("kunshan", "displays"))) {
            assertThat(totals(key).signing().count()).as(key).isEqualTo(1);
            assertThat(totals(key).signing().amounts()).as(key).isEqualTo(money("CNY", "1500000000.0000"));
        }
        assertThat(totals(TotalsKey.district("sip")).isEmpty()).isTrue();
    }

    @Test
    void shouldSumGroundbreakingAmountAndWithinYearPlan() {
        publish(TestEvents.groundbreaking("g1", "sip", "semiconductors", "1000000000.00", "300000000.00"));
        publish(TestEvents.groundbreaking("g2", "sip", "5g", "500000000.00", "200000000.50"));

        final Totals sip = totals(TotalsKey.district("sip"));
        assertThat(sip.groundbreaking().count()).isEqualTo(2);
        assertThat(sip.groundbreaking().amounts().get("CNY")).isEqualByComparingTo("1500000000.00");
        assertThat(sip.groundbreaking().extra().get("CNY")).isEqualByComparingTo("500000000.50");
        assertThat(totals(TotalsKey.sector("5g")).groundbreaking().count()).isEqualTo(1);
    }

    @Test
    void shouldSumFundingAndMatching() {
        publish(TestEvents.funding("f1", "snd", "software", "4500000.00", "13000000.00"));
        publish(TestEvents.funding("f2", "snd", "software", "500000.00", null));

        final Totals snd = totals(TotalsKey.district("snd"));
        assertThat(snd.funding().count()).isEqualTo(2);
        assertThat(snd.funding().amounts().get("CNY")).isEqualByComparingTo("5000000.00");
        assertThat(snd.funding().extra().get("CNY")).isEqualByComparingTo("13000000.00");
    }

    @Test
    void shouldKeepCurrenciesApart() {
        publish(TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY"));
        publish(TestEvents.signing("e2", "kunshan", "displays", "1800000000.00", "USD"));
        publish(TestEvents.signing("e3", "kunshan", "displays", "0.50", "CNY"));

        final Totals summary = totals(TotalsKey.SUMMARY);
        assertThat(summary.signing().count()).isEqualTo(3);
        assertThat(summary.signing().amounts()).containsOnlyKeys("CNY", "USD");
        assertThat(summary.signing().amounts().get("CNY")).isEqualByComparingTo("100.50");
        assertThat(summary.signing().amounts().get("USD")).isEqualByComparingTo("1800000000.00");
    }

    @Test
    void shouldSendUnknownDistrictToDeadLettersWithReasonAndSource() {
        publish(TestEvents.signing("e1", "atlantis", "displays", "100.00", "CNY"));

        final TestRecord<String, byte[]> dead = ledger.nextDeadLetter();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("invalid: district: unknown district 'atlantis'");
        assertThat(header(dead, DeadLetters.EVENT_ID)).isEqualTo("e1");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(LedgerDriver.decode(dead.value()).eventId()).isEqualTo("e1");
        assertThat(totals(TotalsKey.SUMMARY).isEmpty()).isTrue();
    }

    @Test
    void shouldSendUnknownSectorToDeadLetters() {
        publish(TestEvents.signing("e1", "kunshan", "shipbuilding", "100.00", "CNY"));

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                .isEqualTo("invalid: sector: unknown sector 'shipbuilding'");
    }

    @Test
    void shouldSendForeignBytesToDeadLettersAndKeepCounting() {
        ledger.publishRaw("P-x", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        publish(TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY"));

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).startsWith("unreadable: ");
        assertThat(totals(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
    }

    @Test
    void shouldCountTheSameEventDeliveredTwiceOnce() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(event);
        publish(event.toBuilder().source("file:resent.jsonl").build());

        assertThat(totals(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
        assertThat(ledger.noDeadLetters()).isTrue();
    }

    @Test
    void shouldRefuseEventIdReusedWithOtherContent() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(event);
        publish(event.toBuilder().amount(Amount.of("200.00", "CNY")).build());

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).isEqualTo("conflicting duplicate");
        assertThat(totals(TotalsKey.SUMMARY).signing().amounts().get("CNY")).isEqualByComparingTo("100.00");
    }

    @Test
    void shouldMoveTotalsByTheDifferenceWhenCorrected() {
        final LedgerEvent original = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(original);
        publish(original.toBuilder().eventId("e1-fix").district("sip").amount(Amount.of("80.00", "USD"))
                .corrects("e1").build());

        assertThat(totals(TotalsKey.district("kunshan")).signing().count()).isZero();
        assertThat(totals(TotalsKey.district("kunshan")).signing().amounts()).isEmpty();
        assertThat(totals(TotalsKey.district("sip")).signing().amounts()).isEqualTo(money("USD", "80.0000"));
        assertThat(totals(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
    }

    @Test
    void shouldRefuseCorrectionOfUnknownEvent() {
        publish(TestEvents.signing("e2", "kunshan", "displays", "100.00", "CNY").toBuilder().corrects("nope").build());

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                .isEqualTo("invalid correction: corrects unknown event 'nope'");
    }

    @Test
    void shouldRefuseACorrectionOfAnotherProjectsEvent() {
        final LedgerEvent original = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(original);
        final LedgerEvent other = TestEvents.signing("e9", "kunshan", "displays", "1.00", "CNY");
        // one partition here: the two projects meet in one event index, as projects of a partition do
        publish(other.toBuilder().eventId("e1-fix").amount(Amount.of("80.00", "CNY")).corrects("e1").build());

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).isEqualTo("invalid correction: event 'e1' is of another project");
        assertThat(totals(TotalsKey.SUMMARY).signing().amounts().get("CNY")).isEqualByComparingTo("100.00");
    }

    @Test
    void shouldTellNothingOfAnotherProjectsCorrectedEventWhenRefusingItsCorrection() {
        final LedgerEvent original = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(original);
        publish(original.toBuilder().eventId("e1-own-fix").amount(Amount.of("90.00", "CNY")).corrects("e1").build());
        final LedgerEvent other = TestEvents.signing("e9", "kunshan", "displays", "1.00", "CNY");
        publish(other.toBuilder().eventId("e1-fix").amount(Amount.of("80.00", "CNY")).corrects("e1").build());

        // not "already corrected by 'e1-own-fix'": that would name another project's event to this one's office
        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON)).isEqualTo("invalid correction: event 'e1' is of another project");
    }

    @Test
    void shouldRefuseSecondCorrectionOfTheSameEvent() {
        final LedgerEvent original = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(original);
        publish(original.toBuilder().eventId("fix1").amount(Amount.of("90.00", "CNY")).corrects("e1").build());
        publish(original.toBuilder().eventId("fix2").amount(Amount.of("95.00", "CNY")).corrects("e1").build());

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                .isEqualTo("invalid correction: event 'e1' is already corrected by 'fix1'");
        assertThat(totals(TotalsKey.SUMMARY).signing().amounts().get("CNY")).isEqualByComparingTo("90.00");
    }

    @Test
    void shouldRefuseEventWhoseKeyIsNotItsProject() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        ledger.publishRaw("another-project", LedgerDriver.encode(event));

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                .isEqualTo("invalid: key: must be the project id 'P-e1'");
    }

    @Test
    void shouldCountOnlyEventsThatOccurredByTheAsOfInstant() {
        final Instant day1 = Instant.parse("2022-02-10T01:00:00Z");
        publish(at(TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY"), day1));
        publish(at(TestEvents.signing("e2", "kunshan", "displays", "20.00", "CNY"), day1.plus(Duration.ofHours(5))));
        publish(at(TestEvents.signing("e3", "kunshan", "displays", "3.00", "CNY"), day1.plus(Duration.ofDays(3))));

        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, day1.minusMillis(1)).isEmpty()).isTrue();
        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, day1).signing().amounts().get("CNY")).isEqualByComparingTo("100.00");
        assertThat(ledger.totalsAsOf(TotalsKey.district("kunshan"), day1.plus(Duration.ofHours(6))).signing().count()).isEqualTo(2);
        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, day1.plus(Duration.ofDays(10))).signing().amounts().get("CNY"))
                .isEqualByComparingTo("123.00");
    }

    @Test
    void shouldPlaceALateEventWhereItOccurred() {
        publish(at(TestEvents.signing("e2", "sip", "5g", "20.00", "CNY"), Instant.parse("2022-02-20T00:00:00Z")));
        publish(at(TestEvents.signing("late", "sip", "5g", "5.00", "CNY"), Instant.parse("2022-02-01T00:00:00Z")));

        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, Instant.parse("2022-02-10T00:00:00Z")).signing().amounts().get("CNY"))
                .isEqualByComparingTo("5.00");
    }

    @Test
    void shouldIncludeInLaterAsOfAnswersAnEventOfAnEarlierPeriodCountedAfterTheFirstAnswer() {
        final Instant asOf = Instant.parse("2022-02-25T00:00:00Z");
        publish(at(TestEvents.signing("e1", "sip", "5g", "20.00", "CNY"), Instant.parse("2022-02-20T00:00:00Z")));
        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, asOf).signing().amounts().get("CNY")).isEqualByComparingTo("20.00");

        // two periods (60 days) earlier: it reaches the as-of answer through the published history
        publish(at(TestEvents.signing("late", "sip", "5g", "5.00", "CNY"), Instant.parse("2021-12-20T00:00:00Z")));

        assertThat(TotalsKey.period(Instant.parse("2021-12-20T00:00:00Z").toEpochMilli())).isLessThan(TotalsKey.period(asOf.toEpochMilli()));
        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, asOf).signing().amounts().get("CNY")).isEqualByComparingTo("25.00");
    }

    @Test
    void shouldApplyCorrectionsRetroactivelyInAsOfTotals() {
        final Instant day = Instant.parse("2022-02-10T01:00:00Z");
        final LedgerEvent original = at(TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY"), day);
        publish(original);
        publish(original.toBuilder().eventId("fix").amount(Amount.of("90.00", "CNY")).corrects("e1").build());

        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, day).signing().amounts().get("CNY")).isEqualByComparingTo("90.00");
        assertThat(ledger.totalsAsOf(TotalsKey.SUMMARY, day).signing().count()).isEqualTo(1);
    }

    @Test
    void shouldForgetEventsOncePastTheHorizonButKeepTheirTotals() {
        ledger.close();
        ledger = new LedgerDriver(LedgerConfig.defaults("unused:9092", stateDir).withHorizon(Duration.ofDays(90)));
        publish(at(TestEvents.signing("old", "kunshan", "displays", "1.00", "CNY"), Instant.parse("2022-01-10T00:00:00Z")));
        publish(at(TestEvents.signing("recent", "kunshan", "displays", "2.00", "CNY"), Instant.parse("2022-02-27T00:00:00Z")));

        // forgetting goes by the newest record's arrival: 100 days on, the horizon is at 2022-03-11, whose
        // period (from 2022-02-27) is kept whole: "old" falls out, "recent" stays
        final Instant later = LedgerDriver.NOW.plus(Duration.ofDays(100));
        ledger.publishArrivingAt(at(TestEvents.signing("later", "sip", "5g", "4.00", "CNY"), later), later);
        ledger.advanceWallClock(Duration.ofDays(100));

        assertThat(ledger.remembers("old")).isFalse();
        assertThat(ledger.remembers("recent")).isTrue();
        assertThat(ledger.totals(TotalsKey.SUMMARY).signing().amounts().get("CNY")).isEqualByComparingTo("7.00");
    }

    @Test
    void shouldNotForgetByTheClockWhileNoLaterRecordArrived() {
        ledger.close();
        ledger = new LedgerDriver(LedgerConfig.defaults("unused:9092", stateDir).withHorizon(Duration.ofDays(90)));
        publish(at(TestEvents.signing("old", "kunshan", "displays", "1.00", "CNY"), Instant.parse("2022-01-10T00:00:00Z")));

        // a ledger far behind its input: a re-delivery that arrived with "old" would still be accepted
        ledger.advanceWallClock(Duration.ofDays(100));

        assertThat(ledger.remembers("old")).isTrue();
    }

    @Test
    void shouldRefuseEventsOlderThanTheHorizon() {
        publish(at(TestEvents.signing("old", "kunshan", "displays", "1.00", "CNY"), Instant.parse("2001-01-01T00:00:00Z")));

        assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                .isEqualTo("invalid: occurredAt: is older than the ledger's horizon of 3650 days");
    }

    @Test
    void shouldPageDeadLettersNewestFirst() {
        for (int i = 0; i < 5; i++) {
            publish(TestEvents.signing("bad" + i, "atlantis", "displays", "1.00", "CNY"));
        }

        final DeadLetterPage first = ledger.deadLetterPage(null, 3);
        final DeadLetterPage second = ledger.deadLetterPage(first.items().get(2).sortKey(), 3);

        assertThat(first.total()).isEqualTo(5);
        assertThat(first.items()).extracting(item -> item.letter().eventId()).containsExactly("bad4", "bad3", "bad2");
        assertThat(second.items()).extracting(item -> item.letter().eventId()).containsExactly("bad1", "bad0");
        assertThat(first.items().get(0).letter().reason()).isEqualTo("invalid: district: unknown district 'atlantis'");
    }

    @Test
    void shouldKeepTheOriginalBytesOfADeadLetter() {
        final byte[] garbage = {1, 2, 3};
        ledger.publishRaw("P-x", garbage);

        assertThat(ledger.deadLetterPage(null, 1).items().get(0).letter().value()).isEqualTo(garbage);
        assertThat(ledger.nextDeadLetter().value()).isEqualTo(garbage);
    }

    private static LedgerEvent at(final LedgerEvent event, final Instant occurredAt) {
        return event.toBuilder().occurredAt(occurredAt).build();
    }
}
