package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Reference;
import org.cityledger.schema.EventCodec;
import org.junit.jupiter.api.Test;

/** Every figure of the conference report, checked against the demo data exactly. */
class DemoDataSetTest {

    private static final BigDecimal ONE_BILLION = new BigDecimal("1000000000");
    private static final BigDecimal TEN_BILLION = new BigDecimal("10000000000");
    private static final BigDecimal HUNDRED_MILLION = new BigDecimal("100000000");

    private final List<LedgerEvent> events = DemoDataSet.events();

    @Test
    void shouldHaveEightyOneSignings() {
        assertThat(of(EventKind.SIGNING)).hasSize(81);
    }

    @Test
    void shouldTotalTheEightyCnySigningsAt72Billion() {
        final List<LedgerEvent> cny = of(EventKind.SIGNING).stream().filter(e -> "CNY".equals(e.amount().currency())).toList();

        assertThat(cny).hasSize(80);
        assertThat(total(cny, LedgerEvent::amount)).isEqualTo(cny("72000000000.00"));
    }

    @Test
    void shouldSignAuosCapitalIncreaseInUsdInKunshan() {
        final List<LedgerEvent> usd = of(EventKind.SIGNING).stream().filter(e -> "USD".equals(e.amount().currency())).toList();

        assertThat(usd).singleElement().satisfies(auo -> {
            assertThat(auo.amount()).isEqualTo(new Amount(new BigDecimal("1800000000.00"), "USD"));
            assertThat(auo.district()).isEqualTo("kunshan");
            assertThat(auo.sector()).isEqualTo("displays");
            assertThat(auo.project().company()).contains("友达光电");
        });
    }

    @Test
    void shouldHaveSeventyGroundbreakings() {
        assertThat(of(EventKind.GROUNDBREAKING)).hasSize(70);
    }

    @Test
    void shouldTotalGroundbreakingsAt57Billion() {
        assertThat(total(of(EventKind.GROUNDBREAKING), LedgerEvent::amount)).isEqualTo(cny("57000000000.00"));
    }

    @Test
    void shouldTotalInvestmentPlannedWithinTheYearAt19Point1Billion() {
        assertThat(total(of(EventKind.GROUNDBREAKING), LedgerEvent::plannedWithinYear))
                .isEqualTo(cny("19100000000.00"));
    }

    @Test
    void shouldPlanNoMoreWithinTheYearThanAProjectsTotal() {
        assertThat(of(EventKind.GROUNDBREAKING))
                .allSatisfy(e -> assertThat(e.plannedWithinYear().value()).isLessThanOrEqualTo(e.amount().value()));
    }

    @Test
    void shouldSplitGroundbreakingsByCategoryAsTheReport() {
        final Map<String, Long> byCategory = of(EventKind.GROUNDBREAKING).stream()
                .collect(Collectors.groupingBy(e -> e.project().category(), Collectors.counting()));

        assertThat(byCategory).isEqualTo(Map.of("strategic-emerging", 28L, "advanced-manufacturing", 29L,
                "modern-services", 6L, "innovation-park", 6L, "rnd-platform", 1L));
    }

    @Test
    void shouldHaveFifteenGroundbreakingsOfAtLeastOneBillion() {
        assertThat(of(EventKind.GROUNDBREAKING)).filteredOn(atLeast(ONE_BILLION)).hasSize(15);
    }

    @Test
    void shouldHaveOneGroundbreakingOfAtLeastTenBillion() {
        assertThat(of(EventKind.GROUNDBREAKING)).filteredOn(atLeast(TEN_BILLION)).hasSize(1);
    }

    @Test
    void shouldHaveNoGroundbreakingBelowOneHundredMillion() {
        assertThat(of(EventKind.GROUNDBREAKING)).allMatch(atLeast(HUNDRED_MILLION));
    }

    @Test
    void shouldStartMostProjectsIn5gSemiconductorsAndSmartTerminals() {
        final Set<String> fields = Set.of("5g", "semiconductors", "smart-terminals");

        assertThat(of(EventKind.GROUNDBREAKING)).filteredOn(e -> fields.contains(e.sector())).hasSizeGreaterThanOrEqualTo(56);
    }

    @Test
    void shouldTotalBothProjectBatchesAt150ProjectsAnd129Billion() {
        final List<LedgerEvent> projects = events.stream().filter(e -> e.kind() != EventKind.FUNDING)
                .filter(e -> "CNY".equals(e.amount().currency())).toList();

        assertThat(projects).hasSize(150);
        assertThat(total(projects, LedgerEvent::amount)).isEqualTo(cny("129000000000.00"));
    }

    @Test
    void shouldTotalFiscalSupportAt2Point4Billion() {
        assertThat(total(program("fiscal-support"), LedgerEvent::amount)).isEqualTo(cny("2400000000.00"));
    }

    @Test
    void shouldPayFiscalSupportIn2021() {
        assertThat(program("fiscal-support")).isNotEmpty()
                .allSatisfy(e -> assertThat(e.occurredAt().atOffset(ZoneOffset.ofHours(8)).getYear()).isEqualTo(2021));
    }

    @Test
    void shouldHaveSixtyFourOpenCompetitionProjects() {
        assertThat(program("open-competition")).hasSize(64);
    }

    @Test
    void shouldTotalOpenCompetitionBountiesAt289Million() {
        assertThat(total(program("open-competition"), LedgerEvent::amount)).isEqualTo(cny("289000000.00"));
    }

    @Test
    void shouldTotalOpenCompetitionMatchingAt833Million() {
        assertThat(total(program("open-competition"), LedgerEvent::matching)).isEqualTo(cny("833000000.00"));
    }

    @Test
    void shouldGiveEveryOpenCompetitionProjectAMatchingAmount() {
        assertThat(program("open-competition")).allSatisfy(e -> assertThat(e.matching()).isNotNull());
    }

    @Test
    void shouldFundOnlyThroughTheReportsTwoPrograms() {
        assertThat(program("fiscal-support").size() + program("open-competition").size())
                .isEqualTo(of(EventKind.FUNDING).size());
    }

    @Test
    void shouldPassEventRules() {
        final EventRules rules = EventRules.defaults();
        final Instant now = Instant.parse("2026-01-01T00:00:00Z");

        assertThat(events).allSatisfy(e -> assertThat(rules.check(e, now)).as(e.eventId()).isEmpty());
    }

    @Test
    void shouldKeepEveryAmountToWholeFen() {
        assertThat(events).allSatisfy(e -> assertThat(e.amount().value().scale()).isEqualTo(2));
    }

    @Test
    void shouldHaveUniqueEventIds() {
        assertThat(events).extracting(LedgerEvent::eventId).doesNotHaveDuplicates();
    }

    @Test
    void shouldGiveEveryProjectItsOwnId() {
        assertThat(events).extracting(e -> e.project().id()).doesNotHaveDuplicates();
    }

    @Test
    void shouldUseAllTenDistricts() {
        final Set<String> used = events.stream().map(LedgerEvent::district).collect(Collectors.toSet());

        assertThat(used).containsExactlyInAnyOrderElementsOf(Reference.DISTRICTS.stream().map(Reference.Code::code).toList());
    }

    @Test
    void shouldBeTheSameOnEveryCall() {
        assertThat(DemoDataSet.events()).isEqualTo(events);
    }

    @Test
    void shouldEncodeEveryEventWithTheAvroCodec() {
        final EventCodec codec = new EventCodec();

        assertThat(events).allSatisfy(e -> assertThat(codec.encode(e)).isNotEmpty());
    }

    private List<LedgerEvent> of(final EventKind kind) {
        return events.stream().filter(e -> e.kind() == kind).toList();
    }

    private List<LedgerEvent> program(final String program) {
        return events.stream().filter(e -> program.equals(e.program())).toList();
    }

    /** The sum; {@link Amount#plus} fails on mixed currencies rather than add them. */
    private static Amount total(final List<LedgerEvent> batch, final Function<LedgerEvent, Amount> field) {
        return batch.stream().map(field).reduce(Amount::plus).orElseThrow();
    }

    private static Amount cny(final String value) {
        return new Amount(new BigDecimal(value), "CNY");
    }

    private static Predicate<LedgerEvent> atLeast(final BigDecimal yuan) {
        return e -> e.amount().value().compareTo(yuan) >= 0;
    }
}
