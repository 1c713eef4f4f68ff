package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Violation;
import org.junit.jupiter.api.Test;

class IngestJsonTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String DECIMAL_REASON = "must be a decimal string such as \"1500000000.00\"";
    private static final String TIME_REASON =
            "must be an ISO-8601 date-time with offset, such as \"2022-02-10T09:30:00+08:00\"";

    private static final String SIGNING = "{\"eventId\":\"ks-2022-001\",\"type\":\"SIGNING\","
            + "\"occurredAt\":\"2022-02-10T09:30:00+08:00\",\"district\":\"kunshan\",\"sector\":\"displays\","
            + "\"project\":{\"id\":\"prj-kunshan-001\",\"name\":\"OLED display module line\","
            + "\"company\":\"Huaxin Display Technology (Kunshan) Co., Ltd.\",\"category\":\"strategic-emerging\"},"
            + "\"amount\":{\"value\":\"1500000000.00\",\"currency\":\"CNY\"}}";

    private final IngestJson json = new IngestJson(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void shouldReadASigning() {
        final LedgerEvent event = json.parse(SIGNING);

        assertThat(event).isEqualTo(signing().build());
    }

    @Test
    void shouldReadNationalCodesAsTheLedgersOwn() {
        final LedgerEvent event = json.parse(SIGNING.replace("\"kunshan\"", "\"320583\"").replace("\"displays\"", "\"3974\""));

        assertThat(event).isEqualTo(signing().build());
    }

    @Test
    void shouldRefuseAnAmountBeyondWhatTheEventsCanHoldNamingTheField() {
        final IngestException e = catchThrowableOfType(IngestException.class,
                () -> json.parse(SIGNING.replace("1500000000.00", "123456789012345678901.00")));

        assertThat(e.violations()).containsExactly(new Violation("amount.value",
                "has more than 20 digits before the decimal point, more than the ledger's events can hold"));
    }

    @Test
    void shouldRoundTripASigning() {
        final LedgerEvent event = signing().build();

        assertThat(json.parse(json.write(event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripAGroundbreaking() {
        final LedgerEvent event = LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId("sip-start-007")
                .occurredAt(Instant.parse("2022-02-10T02:30:15.250Z")).district("sip").sector("semiconductors")
                .project(new ProjectRef("prj-sip-007", "12-inch specialty wafer fab", "Ruixin Microelectronics (Suzhou) Co., Ltd.",
                        "strategic-emerging"))
                .amount(cny("12800000000.00")).plannedWithinYear(cny("3100000000.00")).build();

        assertThat(json.parse(json.write(event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripAnOpenCompetitionFunding() {
        final LedgerEvent event = LedgerEvent.builder(EventKind.FUNDING).eventId("snd-open-003")
                .occurredAt(Instant.parse("2022-02-10T03:31:00Z")).district("snd").sector("5g")
                .project(new ProjectRef("prj-snd-003", "Open challenge: millimetre-wave antenna reliability",
                        "Jinfeng Communication Technology (Suzhou) Co., Ltd.", "rnd-platform"))
                .amount(cny("4500000.00")).program("open-competition").matching(cny("13200000.00")).build();

        assertThat(json.parse(json.write(event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripAFiscalSupportFundingWithoutMatching() {
        final LedgerEvent event = LedgerEvent.builder(EventKind.FUNDING).eventId("wj-fiscal-2021-12")
                .occurredAt(Instant.parse("2021-06-30T02:00:00Z")).district("wujiang").sector("components")
                .project(new ProjectRef("prj-wujiang-012", "2021 technical transformation subsidy",
                        "苏州恒联电子元件有限公司", "advanced-manufacturing"))
                .amount(cny("86000000.00")).program("fiscal-support").build();

        assertThat(json.parse(json.write(event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripACorrectionWithItsSource() {
        final LedgerEvent event = signing().eventId("ks-2022-001-fix").amount(cny("1450000000.00"))
                .corrects("ks-2022-001").source("kunshan-office").build();

        assertThat(json.parse(json.write(event))).isEqualTo(event);
    }

    @Test
    void shouldRoundTripEveryDemoEvent() {
        final List<LedgerEvent> demo = DemoDataSet.events();

        assertThat(demo).allSatisfy(event -> assertThat(json.parse(json.write(event))).isEqualTo(event));
    }

    @Test
    void shouldWriteAmountsWithTwoDecimalPlaces() {
        final LedgerEvent event = signing().amount(new Amount(new BigDecimal("1500000000"), "CNY")).build();

        assertThat(json.write(event)).contains("\"amount\":{\"value\":\"1500000000.00\",\"currency\":\"CNY\"}");
    }

    @Test
    void shouldWriteOccurredAtInTheCityOffset() {
        assertThat(json.write(signing().build())).contains("\"occurredAt\":\"2022-02-10T09:30:00+08:00\"");
    }

    @Test
    void shouldOmitFieldsThatDoNotApplyToTheType() {
        assertThat(json.write(signing().build())).doesNotContain("plannedWithinYear", "program", "matching",
                "corrects", "source");
    }

    @Test
    void shouldWriteOneLineEvenWhenANameHoldsALineBreak() {
        final LedgerEvent event = signing().project(new ProjectRef("p-1", "line one\nline two", "Co", "rnd-platform"))
                .build();

        assertThat(json.write(event)).doesNotContain("\n", "\r");
    }

    @Test
    void shouldAcceptOccurredAtInUtc() {
        final LedgerEvent event = json.parse(SIGNING.replace("2022-02-10T09:30:00+08:00", "2022-02-10T01:30:00Z"));

        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2022-02-10T01:30:00Z"));
    }

    @Test
    void shouldKeepTheAmountExactlyAsWritten() {
        final LedgerEvent event = json.parse(SIGNING.replace("1500000000.00", "1234567890123.45"));

        assertThat(event.amount().value()).isEqualTo(new BigDecimal("1234567890123.45"));
    }

    @Test
    void shouldNameTheRootForMalformedJson() {
        final List<Violation> violations = violationsOf("{\"eventId\": \"x\",");

        assertThat(violations).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("$");
            assertThat(v.reason()).startsWith("is not valid JSON: ").contains("line 1, column");
        });
    }

    @Test
    void shouldRefuseJsonThatIsNotAnObject() {
        assertThat(violationsOf("[1, 2]")).containsExactly(new Violation("$", "must be a JSON object"));
    }

    @Test
    void shouldRefuseAnEmptyLine() {
        assertThat(violationsOf("")).containsExactly(new Violation("$", "must be a JSON object"));
    }

    @Test
    void shouldRefuseAKeyGivenTwice() {
        final String twice = SIGNING.replace("\"district\":\"kunshan\"", "\"district\":\"kunshan\",\"district\":\"sip\"");

        assertThat(violationsOf(twice)).singleElement().satisfies(v -> {
            assertThat(v.field()).isEqualTo("$");
            assertThat(v.reason()).contains("district");
        });
    }

    @Test
    void shouldRefuseTwoObjectsOnOneLine() {
        assertThat(violationsOf(SIGNING + " " + SIGNING)).extracting(Violation::field).containsExactly("$");
    }

    @Test
    void shouldRequireType() {
        assertThat(violationsOf(SIGNING.replace("\"type\":\"SIGNING\",", "")))
                .containsExactly(new Violation("type", "is required"));
    }

    @Test
    void shouldRefuseAnUnknownType() {
        assertThat(violationsOf(SIGNING.replace("\"SIGNING\"", "\"PLEDGE\"")))
                .containsExactly(new Violation("type", "unknown type 'PLEDGE'; must be one of SIGNING, GROUNDBREAKING, FUNDING"));
    }

    @Test
    void shouldRefuseOccurredAtWithoutOffset() {
        assertThat(violationsOf(SIGNING.replace("2022-02-10T09:30:00+08:00", "2022-02-10T09:30:00")))
                .containsExactly(new Violation("occurredAt", TIME_REASON));
    }

    @Test
    void shouldRefuseOccurredAtThatIsNotATime() {
        assertThat(violationsOf(SIGNING.replace("2022-02-10T09:30:00+08:00", "last Thursday")))
                .containsExactly(new Violation("occurredAt", TIME_REASON));
    }

    @Test
    void shouldRefuseAnAmountGivenAsAJsonNumber() {
        assertThat(violationsOf(SIGNING.replace("\"1500000000.00\"", "1500000000.00")))
                .containsExactly(new Violation("amount.value", DECIMAL_REASON));
    }

    @Test
    void shouldRefuseAnAmountStringThatIsNotADecimal() {
        assertThat(violationsOf(SIGNING.replace("1500000000.00", "1,500,000,000")))
                .containsExactly(new Violation("amount.value", DECIMAL_REASON));
    }

    @Test
    void shouldRefuseAnAmountInExponentNotation() {
        assertThat(violationsOf(SIGNING.replace("1500000000.00", "1.5E9")))
                .containsExactly(new Violation("amount.value", DECIMAL_REASON));
    }

    @Test
    void shouldRefuseAnAmountWithThreeDecimalPlaces() {
        assertThat(violationsOf(SIGNING.replace("1500000000.00", "1500000000.005")))
                .containsExactly(new Violation("amount.value", "has more than two decimal places"));
    }

    @Test
    void shouldRequireTheAmountCurrency() {
        assertThat(violationsOf(SIGNING.replace(",\"currency\":\"CNY\"", "")))
                .containsExactly(new Violation("amount.currency", "is required"));
    }

    @Test
    void shouldRefuseAnUnknownTopLevelField() {
        assertThat(violationsOf(SIGNING.replace("\"district\"", "\"yuan\":\"1\",\"district\"")))
                .containsExactly(new Violation("yuan", "unknown field"));
    }

    @Test
    void shouldRefuseAnUnknownProjectField() {
        assertThat(violationsOf(SIGNING.replace("\"category\"", "\"phase\":\"II\",\"category\"")))
                .containsExactly(new Violation("project.phase", "unknown field"));
    }

    @Test
    void shouldRequireEveryProjectField() {
        assertThat(violationsOf(SIGNING.replace("\"name\":\"OLED display module line\",", "")))
                .containsExactly(new Violation("project.name", "is required"));
    }

    @Test
    void shouldRefuseAStringFieldGivenAsANumber() {
        assertThat(violationsOf(SIGNING.replace("\"kunshan\"", "3")))
                .containsExactly(new Violation("district", "must be a string"));
    }

    @Test
    void shouldReportEventRules() {
        assertThat(violationsOf(SIGNING.replace("\"kunshan\"", "\"shanghai\"")))
                .containsExactly(new Violation("district", "unknown district 'shanghai'"));
    }

    @Test
    void shouldJudgeTheFutureByTheInjectedClock() {
        assertThat(violationsOf(SIGNING.replace("2022-02-10T09:30:00+08:00", "2026-01-01T00:10:00Z")))
                .containsExactly(new Violation("occurredAt", "is in the future beyond the allowed skew of 5 minutes"));
    }

    @Test
    void shouldRefuseAFieldThatDoesNotApplyToTheType() {
        final String withPlan = SIGNING.replace("\"amount\"",
                "\"plannedWithinYear\":{\"value\":\"1.00\",\"currency\":\"CNY\"},\"amount\"");

        assertThat(violationsOf(withPlan))
                .containsExactly(new Violation("plannedWithinYear", "does not apply to this event type"));
    }

    @Test
    void shouldReportEveryProblemAtOnce() {
        final String twoProblems = SIGNING.replace("\"kunshan\"", "\"shanghai\"").replace("\"1500000000.00\"", "15");

        assertThat(violationsOf(twoProblems)).containsExactlyInAnyOrder(
                new Violation("amount.value", DECIMAL_REASON), new Violation("district", "unknown district 'shanghai'"));
    }

    @Test
    void shouldNotAlsoCallARefusedFieldMissing() {
        final List<Violation> violations = violationsOf(SIGNING.replace("\"1500000000.00\"", "15"));

        assertThat(violations).extracting(Violation::field).doesNotContain("amount");
    }

    @Test
    void shouldListViolationsInTheMessage() {
        final IngestException refused = catchThrowableOfType(IngestException.class,
                () -> json.parse(SIGNING.replace("\"kunshan\"", "\"shanghai\"")));

        assertThat(refused).hasMessage("event ks-2022-001 refused: district: unknown district 'shanghai'");
    }

    @Test
    void shouldReadAnElementOfABatchTree() throws Exception {
        final ArrayNode batch = (ArrayNode) JsonMapper.builder().build().readTree("[" + SIGNING + "]");

        assertThat(json.parse(batch.get(0))).isEqualTo(signing().build());
    }

    @Test
    void shouldRefuseATreeThatIsNoObjectAsTheStringFormDoes() throws Exception {
        final IngestException refused = catchThrowableOfType(IngestException.class,
                () -> json.parse(JsonMapper.builder().build().readTree("[1]")));

        assertThat(refused.violations()).containsExactly(new Violation("$", "must be a JSON object"));
    }

    private List<Violation> violationsOf(final String line) {
        final IngestException refused = catchThrowableOfType(IngestException.class, () -> json.parse(line));
        assertThat(refused).as("parse should refuse %s", line).isNotNull();
        return refused.violations();
    }

    private static LedgerEvent.Builder signing() {
        return LedgerEvent.builder(EventKind.SIGNING).eventId("ks-2022-001")
                .occurredAt(Instant.parse("2022-02-10T01:30:00Z")).district("kunshan").sector("displays")
                .project(new ProjectRef("prj-kunshan-001", "OLED display module line",
                        "Huaxin Display Technology (Kunshan) Co., Ltd.", "strategic-emerging"))
                .amount(cny("1500000000.00"));
    }

    private static Amount cny(final String value) {
        return Amount.of(value, "CNY");
    }
}
