package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.cityledger.domain.Amount;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.state.TotalsStore;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerTopologyTest {

    private static final Instant NOW = Instant.parse("2022-03-01T00:00:00Z");

    @TempDir
    Path stateDir;

    private final EventCodec codec = new EventCodec();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        final LedgerConfig config = LedgerConfig.defaults("unused:9092", stateDir);
        final Properties props = config.streamsProperties();
        driver = new TopologyTestDriver(LedgerTopology.build(config), props, NOW);
        events = driver.createInputTopic(Topics.EVENTS, new StringSerializer(), new ByteArraySerializer());
        deadLetters = driver.createOutputTopic(Topics.DEAD_LETTERS, new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void publish(final LedgerEvent event) {
        events.pipeInput(event.project().id(), codec.encode(event));
    }

    private Totals totals(final String key) {
        // committed totals become visible at the ledger's next turn after the commit
        driver.advanceWallClockTime(Duration.ofMillis(20));
        final TotalsStore store = (TotalsStore) driver.getStateStore(LedgerTopology.TOTALS_STORE);
        return store.committed(key).getOrDefault(key, Totals.EMPTY);
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

        final TestRecord<String, byte[]> dead = deadLetters.readRecord();
        assertThat(header(dead, DeadLetters.REASON)).isEqualTo("invalid: district: unknown district 'atlantis'");
        assertThat(header(dead, DeadLetters.EVENT_ID)).isEqualTo("e1");
        assertThat(header(dead, DeadLetters.SOURCE_TOPIC)).isEqualTo(Topics.EVENTS);
        assertThat(header(dead, DeadLetters.SOURCE_OFFSET)).isEqualTo("0");
        assertThat(codec.decode(dead.value()).eventId()).isEqualTo("e1");
        assertThat(totals(TotalsKey.SUMMARY).isEmpty()).isTrue();
    }

    @Test
    void shouldSendUnknownSectorToDeadLetters() {
        publish(TestEvents.signing("e1", "kunshan", "shipbuilding", "100.00", "CNY"));

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .isEqualTo("invalid: sector: unknown sector 'shipbuilding'");
    }

    @Test
    void shouldSendForeignBytesToDeadLettersAndKeepCounting() {
        events.pipeInput("P-x", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8));
        publish(TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY"));

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON)).startsWith("unreadable: ");
        assertThat(totals(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
    }

    @Test
    void shouldCountTheSameEventDeliveredTwiceOnce() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(event);
        publish(event.toBuilder().source("file:resent.jsonl").build());

        assertThat(totals(TotalsKey.SUMMARY).signing().count()).isEqualTo(1);
        assertThat(deadLetters.isEmpty()).isTrue();
    }

    @Test
    void shouldRefuseEventIdReusedWithOtherContent() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(event);
        publish(event.toBuilder().amount(Amount.of("200.00", "CNY")).build());

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON)).isEqualTo("conflicting duplicate");
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

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .isEqualTo("invalid correction: corrects unknown event 'nope'");
    }

    @Test
    void shouldRefuseSecondCorrectionOfTheSameEvent() {
        final LedgerEvent original = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        publish(original);
        publish(original.toBuilder().eventId("fix1").amount(Amount.of("90.00", "CNY")).corrects("e1").build());
        publish(original.toBuilder().eventId("fix2").amount(Amount.of("95.00", "CNY")).corrects("e1").build());

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .isEqualTo("invalid correction: event 'e1' is already corrected by 'fix1'");
        assertThat(totals(TotalsKey.SUMMARY).signing().amounts().get("CNY")).isEqualByComparingTo("90.00");
    }

    @Test
    void shouldRefuseEventWhoseKeyIsNotItsProject() {
        final LedgerEvent event = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
        events.pipeInput("another-project", codec.encode(event));

        assertThat(header(deadLetters.readRecord(), DeadLetters.REASON))
                .isEqualTo("invalid: key: must be the project id 'P-e1'");
    }

    private static String header(final TestRecord<String, byte[]> record, final String name) {
        final Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
