package org.cityledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventRulesTest {

    private static final Instant NOW = Instant.parse("2022-02-10T12:00:00Z");
    private static final Duration SKEW = Duration.ofMinutes(5);
    private static final Duration HORIZON = Duration.ofDays(3650);

    private final EventRules rules = new EventRules(SKEW, HORIZON);

    private static ProjectRef project() {
        return new ProjectRef("KS-P-0042", "12-inch wafer line", "Kunshan Microchip Co.", "strategic-emerging");
    }

    private static LedgerEvent.Builder signing() {
        return LedgerEvent.builder(EventKind.SIGNING).eventId("ks-2022-0001").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("kunshan").sector("semiconductors").project(project()).amount(Amount.of("1500000000.00", "CNY"));
    }

    private static LedgerEvent.Builder groundbreaking() {
        return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId("ks-2022-0042").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("kunshan").sector("semiconductors").project(project()).amount(Amount.of("1500000000.00", "CNY"))
                .plannedWithinYear(Amount.of("400000000.00", "CNY"));
    }

    private static LedgerEvent.Builder funding() {
        return LedgerEvent.builder(EventKind.FUNDING).eventId("ks-2022-0100").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                .district("kunshan").sector("semiconductors").project(project()).amount(Amount.of("12000000.00", "CNY"))
                .program("open-competition").matching(Amount.of("10000000.00", "CNY"));
    }

    // --- valid events ---

    @Test
    void shouldAcceptAValidSigning() {
        assertThat(rules.check(signing().build(), NOW)).isEmpty();
    }

    @Test
    void shouldAcceptAValidGroundbreaking() {
        assertThat(rules.check(groundbreaking().build(), NOW)).isEmpty();
    }

    @Test
    void shouldAcceptAValidFunding() {
        assertThat(rules.check(funding().build(), NOW)).isEmpty();
    }

    @Test
    void shouldAcceptAFundingWithoutMatching() {
        assertThat(rules.check(funding().matching(null).build(), NOW)).isEmpty();
    }

    @Test
    void shouldAcceptACorrectionOfAnotherEvent() {
        assertThat(rules.check(signing().corrects("ks-2022-0000").build(), NOW)).isEmpty();
    }

    // --- eventId ---

    @Test
    void shouldRequireEventId() {
        assertThat(rules.check(signing().eventId(null).build(), NOW))
                .containsExactly(new Violation("eventId", "is required"));
    }

    @Test
    void shouldRefuseBlankEventId() {
        assertThat(rules.check(signing().eventId("  ").build(), NOW))
                .containsExactly(new Violation("eventId", "is required"));
    }

    @Test
    void shouldRefuseEventIdWithControlCharacters() {
        assertThat(rules.check(signing().eventId("ks\u00002022").build(), NOW))
                .containsExactly(new Violation("eventId", "must not contain control characters"));
    }

    // --- occurredAt ---

    @Test
    void shouldRequireOccurredAt() {
        assertThat(rules.check(signing().occurredAt(null).build(), NOW))
                .containsExactly(new Violation("occurredAt", "is required"));
    }

    @Test
    void shouldRefuseOccurredAtInTheFutureBeyondTheSkew() {
        assertThat(rules.check(signing().occurredAt(NOW.plus(SKEW).plusMillis(1)).build(), NOW))
                .containsExactly(new Violation("occurredAt", "is in the future beyond the allowed skew of 5 minutes"));
    }

    @Test
    void shouldAcceptOccurredAtExactlyAtTheSkewBoundary() {
        assertThat(rules.check(signing().occurredAt(NOW.plus(SKEW)).build(), NOW)).isEmpty();
    }

    @Test
    void shouldRefuseOccurredAtOlderThanTheHorizon() {
        assertThat(rules.check(signing().occurredAt(NOW.minus(HORIZON).minusMillis(1)).build(), NOW))
                .containsExactly(new Violation("occurredAt", "is older than the ledger's horizon of 3650 days"));
    }

    @Test
    void shouldAcceptOccurredAtExactlyAtTheHorizon() {
        assertThat(rules.check(signing().occurredAt(NOW.minus(HORIZON)).build(), NOW)).isEmpty();
    }

    // --- district and sector ---

    @Test
    void shouldRequireDistrict() {
        assertThat(rules.check(signing().district(null).build(), NOW))
                .containsExactly(new Violation("district", "is required"));
    }

    @Test
    void shouldRefuseUnknownDistrict() {
        assertThat(rules.check(signing().district("atlantis").build(), NOW))
                .containsExactly(new Violation("district", "unknown district 'atlantis'"));
    }

    @Test
    void shouldRequireSector() {
        assertThat(rules.check(signing().sector(null).build(), NOW))
                .containsExactly(new Violation("sector", "is required"));
    }

    @Test
    void shouldRefuseUnknownSector() {
        assertThat(rules.check(signing().sector("mining").build(), NOW))
                .containsExactly(new Violation("sector", "unknown sector 'mining'"));
    }

    // --- project ---

    @Test
    void shouldRequireProject() {
        assertThat(rules.check(signing().project(null).build(), NOW))
                .containsExactly(new Violation("project", "is required"));
    }

    @Test
    void shouldRefuseBlankProjectFields() {
        final ProjectRef blank = new ProjectRef(" ", "", "\t", "strategic-emerging");
        assertThat(rules.check(signing().project(blank).build(), NOW)).containsExactly(
                new Violation("project.id", "is required"),
                new Violation("project.name", "is required"),
                new Violation("project.company", "is required"));
    }

    @Test
    void shouldRefuseUnknownProjectCategory() {
        final ProjectRef project = new ProjectRef("KS-P-0042", "Wafer line", "Kunshan Microchip Co.", "gambling");
        assertThat(rules.check(signing().project(project).build(), NOW))
                .containsExactly(new Violation("project.category", "unknown category 'gambling'"));
    }

    // --- amount ---

    @Test
    void shouldRequireAmount() {
        assertThat(rules.check(signing().amount(null).build(), NOW))
                .containsExactly(new Violation("amount", "is required"));
    }

    @Test
    void shouldRefuseUnknownCurrency() {
        assertThat(rules.check(signing().amount(Amount.of("100.00", "XXY")).build(), NOW))
                .containsExactly(new Violation("amount.currency", "unknown currency 'XXY'"));
    }

    @Test
    void shouldRefuseNegativeAmount() {
        assertThat(rules.check(signing().amount(Amount.of("-1.00", "CNY")).build(), NOW))
                .containsExactly(new Violation("amount.value", "must not be negative"));
    }

    @Test
    void shouldRefuseAmountWithMoreThanTwoDecimalPlaces() {
        assertThat(rules.check(signing().amount(Amount.of("1.005", "CNY")).build(), NOW))
                .containsExactly(new Violation("amount.value", "has more than two decimal places"));
    }

    @Test
    void shouldAcceptTrailingZerosAtScaleFourAsAvroReturnsThem() {
        assertThat(rules.check(signing().amount(Amount.of("1.5000", "CNY")).build(), NOW)).isEmpty();
    }

    @Test
    void shouldAcceptZeroAmount() {
        assertThat(rules.check(signing().amount(Amount.of("0.0000", "CNY")).build(), NOW)).isEmpty();
    }

    // --- groundbreaking ---

    @Test
    void shouldRequirePlannedWithinYearForGroundbreaking() {
        assertThat(rules.check(groundbreaking().plannedWithinYear(null).build(), NOW))
                .containsExactly(new Violation("plannedWithinYear", "is required"));
    }

    @Test
    void shouldRefusePlannedWithinYearInAnotherCurrency() {
        assertThat(rules.check(groundbreaking().plannedWithinYear(Amount.of("4000000.00", "USD")).build(), NOW))
                .containsExactly(new Violation("plannedWithinYear.currency", "must be the currency of amount (CNY)"));
    }

    @Test
    void shouldRefusePlannedWithinYearLargerThanAmount() {
        assertThat(rules.check(groundbreaking().plannedWithinYear(Amount.of("1500000000.01", "CNY")).build(), NOW))
                .containsExactly(new Violation("plannedWithinYear", "is larger than the total amount"));
    }

    @Test
    void shouldAcceptPlannedWithinYearEqualToAmount() {
        assertThat(rules.check(groundbreaking().plannedWithinYear(Amount.of("1500000000.0000", "CNY")).build(), NOW)).isEmpty();
    }

    @Test
    void shouldRefuseProgramOnGroundbreaking() {
        assertThat(rules.check(groundbreaking().program("fiscal-support").build(), NOW))
                .containsExactly(new Violation("program", "does not apply to this event type"));
    }

    // --- signing ---

    @Test
    void shouldRefusePlannedWithinYearOnSigning() {
        assertThat(rules.check(signing().plannedWithinYear(Amount.of("1.00", "CNY")).build(), NOW))
                .containsExactly(new Violation("plannedWithinYear", "does not apply to this event type"));
    }

    @Test
    void shouldRefuseProgramOnSigning() {
        assertThat(rules.check(signing().program("fiscal-support").build(), NOW))
                .containsExactly(new Violation("program", "does not apply to this event type"));
    }

    @Test
    void shouldRefuseMatchingOnSigning() {
        assertThat(rules.check(signing().matching(Amount.of("1.00", "CNY")).build(), NOW))
                .containsExactly(new Violation("matching", "does not apply to this event type"));
    }

    // --- funding ---

    @Test
    void shouldRequireProgramForFunding() {
        assertThat(rules.check(funding().program(null).build(), NOW))
                .containsExactly(new Violation("program", "is required"));
    }

    @Test
    void shouldRefuseUnknownProgram() {
        assertThat(rules.check(funding().program("lottery").build(), NOW))
                .containsExactly(new Violation("program", "unknown program 'lottery'"));
    }

    @Test
    void shouldRefuseMatchingInAnotherCurrency() {
        assertThat(rules.check(funding().matching(Amount.of("1000000.00", "USD")).build(), NOW))
                .containsExactly(new Violation("matching.currency", "must be the currency of amount (CNY)"));
    }

    @Test
    void shouldRefuseMatchingWithMoreThanTwoDecimalPlaces() {
        assertThat(rules.check(funding().matching(Amount.of("1.001", "CNY")).build(), NOW))
                .containsExactly(new Violation("matching.value", "has more than two decimal places"));
    }

    @Test
    void shouldRefusePlannedWithinYearOnFunding() {
        assertThat(rules.check(funding().plannedWithinYear(Amount.of("1.00", "CNY")).build(), NOW))
                .containsExactly(new Violation("plannedWithinYear", "does not apply to this event type"));
    }

    // --- corrections ---

    @Test
    void shouldRefuseAnEventCorrectingItself() {
        assertThat(rules.check(signing().corrects("ks-2022-0001").build(), NOW))
                .containsExactly(new Violation("corrects", "an event cannot correct itself"));
    }

    // --- several at once ---

    @Test
    void shouldReportEveryViolationOfAnEvent() {
        final LedgerEvent event = signing().district("atlantis").sector("mining").amount(Amount.of("-1.001", "XXY")).build();
        assertThat(rules.check(event, NOW)).containsExactly(
                new Violation("district", "unknown district 'atlantis'"),
                new Violation("sector", "unknown sector 'mining'"),
                new Violation("amount.currency", "unknown currency 'XXY'"),
                new Violation("amount.value", "must not be negative"),
                new Violation("amount.value", "has more than two decimal places"));
    }

    @Test
    void shouldRefuseAnAmountWithMoreIntegerDigitsThanTheSchemaHolds() {
        assertThat(rules.check(signing().amount(Amount.of("123456789012345678901.00", "CNY")).build(), NOW))
                .containsExactly(new Violation("amount.value",
                        "has more than 20 digits before the decimal point, more than the ledger's events can hold"));
    }

    @Test
    void shouldAcceptTheLargestAmountTheSchemaHolds() {
        assertThat(rules.check(signing().amount(Amount.of("99999999999999999999.99", "CNY")).build(), NOW)).isEmpty();
    }
}
