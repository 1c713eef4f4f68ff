package org.cityledger.streams.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;

class TotalsServiceTest {

    private static final Instant NOW = Instant.parse("2022-03-01T00:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(30);

    private static final Provenance FROM_TEST = Provenance.of("test:1");

    /** What the fake source was asked: (prefix, ask). */
    private final List<Request> requests = new ArrayList<>();

    private record Request(String prefix, Ask ask) {
    }

    private static BigDecimal dec(final String value) {
        return new BigDecimal(value);
    }

    private static Contribution signing(final String district, final String sector, final String value, final String currency) {
        return new Contribution(EventKind.SIGNING, district, sector, currency, dec(value), null);
    }

    private static Contribution groundbreaking(final String district, final String sector, final String value, final String planned) {
        return new Contribution(EventKind.GROUNDBREAKING, district, sector, "CNY", dec(value), dec(planned));
    }

    private static Contribution funding(final String district, final String sector, final String value, final String matching) {
        return new Contribution(EventKind.FUNDING, district, sector, "CNY", dec(value), matching == null ? null : dec(matching));
    }

    /** Totals of every slice, as the topology would keep them for these contributions. */
    private static Map<String, Totals> ledger(final Contribution... contributions) {
        final Map<String, MutableTotals> slices = new HashMap<>();
        for (final Contribution c : contributions) {
            for (final String key : TotalsKey.slices(c.district(), c.sector())) {
                slices.computeIfAbsent(key, k -> new MutableTotals()).apply(c, 1);
            }
        }
        return slices.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().snapshot()));
    }

    private static Map<String, Totals> conference() {
        return ledger(
                signing("kunshan", "displays", "7257000000.0000", "CNY"),
                signing("kunshan", "displays", "1800000000.0000", "USD"),
                signing("sip", "semiconductors", "1000000000.0000", "CNY"),
                groundbreaking("kunshan", "semiconductors", "4279000000.0000", "1479000000.0000"),
                groundbreaking("wujiang", "optical-comms", "500000000.0000", "100000000.0000"),
                funding("kunshan", "software", "123920000.0000", "103420000.0000"),
                funding("gusu", "software", "1000000.0000", null));
    }

    /** A source over a map, answering like the real one: the keys starting with the prefix. */
    private PartialTotalsSource source(final Map<String, Totals> data) {
        return (prefix, ask) -> {
            requests.add(new Request(prefix, ask));
            return new Answer<>(data.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), FROM_TEST);
        };
    }

    private TotalsService service(final Map<String, Totals> data) {
        return new TotalsService(source(data), Clock.fixed(NOW, ZoneOffset.UTC), HORIZON);
    }

    // --- lists ---

    @Test
    void shouldListAllTenDistrictsInReferenceOrder() {
        final List<Slice> districts = service(conference()).districts(Ask.NOW).value();
        assertThat(districts).extracting(Slice::district)
                .containsExactlyElementsOf(Reference.DISTRICTS.stream().map(Reference.Code::code).toList())
                .hasSize(10);
        assertThat(districts).extracting(Slice::sector).containsOnlyNulls();
    }

    @Test
    void shouldListEmptyTotalsForDistrictsWithoutEvents() {
        final Map<String, Slice> byDistrict = service(conference()).districts(Ask.NOW).value().stream()
                .collect(Collectors.toMap(Slice::district, s -> s));
        assertThat(byDistrict.get("zhangjiagang").totals()).isEqualTo(Totals.EMPTY);
        assertThat(byDistrict.get("snd").totals()).isEqualTo(Totals.EMPTY);
        assertThat(byDistrict.get("kunshan").totals()).isEqualTo(conference().get("D|kunshan"));
    }

    @Test
    void shouldListAllEightSectorsInReferenceOrder() {
        final List<Slice> sectors = service(conference()).sectors(Ask.NOW).value();
        assertThat(sectors).extracting(Slice::sector)
                .containsExactlyElementsOf(Reference.SECTORS.stream().map(Reference.Code::code).toList());
        assertThat(sectors.get(0).totals()).isEqualTo(Totals.EMPTY);
        assertThat(sectors.get(3).totals()).isEqualTo(conference().get("S|displays"));
    }

    // --- one slice ---

    @Test
    void shouldAnswerTheSummaryFromTheSummaryKey() {
        final Slice summary = service(conference()).summary(Ask.NOW).value();
        assertThat(summary.district()).isNull();
        assertThat(summary.sector()).isNull();
        assertThat(summary.totals().signing()).isEqualTo(new KindTotals(3,
                Map.of("CNY", dec("8257000000.0000"), "USD", dec("1800000000.0000")), Map.of()));
        assertThat(summary.totals().events()).isEqualTo(7);
    }

    @Test
    void shouldAnswerEmptyTotalsBeforeAnyEvent() {
        assertThat(service(Map.of()).summary(Ask.NOW).value().totals()).isEqualTo(Totals.EMPTY);
    }

    @Test
    void shouldAnswerADistrict() {
        final Slice kunshan = service(conference()).district("kunshan", Ask.NOW).value();
        assertThat(kunshan.district()).isEqualTo("kunshan");
        assertThat(kunshan.totals()).isEqualTo(conference().get("D|kunshan"));
        assertThat(kunshan.totals().events()).isEqualTo(4);
    }

    @Test
    void shouldAnswerASector() {
        final Slice software = service(conference()).sector("software", Ask.NOW).value();
        assertThat(software.sector()).isEqualTo("software");
        assertThat(software.totals().funding()).isEqualTo(new KindTotals(2,
                Map.of("CNY", dec("124920000.0000")), Map.of("CNY", dec("103420000.0000"))));
    }

    @Test
    void shouldAnswerACell() {
        final Slice cell = service(conference()).cell("kunshan", "displays", Ask.NOW).value();
        assertThat(cell.district()).isEqualTo("kunshan");
        assertThat(cell.sector()).isEqualTo("displays");
        assertThat(cell.totals()).isEqualTo(conference().get("X|kunshan|displays"));
        assertThat(cell.totals().signing().count()).isEqualTo(2);
    }

    // --- unknown codes ---

    @Test
    void shouldRefuseAnUnknownDistrict() {
        assertThatThrownBy(() -> service(conference()).district("atlantis", Ask.NOW))
                .isInstanceOfSatisfying(UnknownCodeException.class, e -> {
                    assertThat(e.field()).isEqualTo("district");
                    assertThat(e.code()).isEqualTo("atlantis");
                    assertThat(e).hasMessage("unknown district 'atlantis'");
                });
    }

    @Test
    void shouldRefuseAnUnknownSector() {
        assertThatThrownBy(() -> service(conference()).sector("mining", Ask.NOW))
                .isInstanceOfSatisfying(UnknownCodeException.class, e -> {
                    assertThat(e.field()).isEqualTo("sector");
                    assertThat(e.code()).isEqualTo("mining");
                });
    }

    @Test
    void shouldRefuseACellWithAnUnknownDistrict() {
        assertThatThrownBy(() -> service(conference()).cell("atlantis", "displays", Ask.NOW))
                .isInstanceOfSatisfying(UnknownCodeException.class, e -> {
                    assertThat(e.field()).isEqualTo("district");
                    assertThat(e.code()).isEqualTo("atlantis");
                });
    }

    @Test
    void shouldRefuseACellWithAnUnknownSector() {
        assertThatThrownBy(() -> service(conference()).cell("kunshan", "mining", Ask.NOW))
                .isInstanceOfSatisfying(UnknownCodeException.class, e -> {
                    assertThat(e.field()).isEqualTo("sector");
                    assertThat(e.code()).isEqualTo("mining");
                });
    }

    @Test
    void shouldNotQueryTheSourceForAnUnknownCode() {
        final TotalsService service = service(conference());
        assertThatThrownBy(() -> service.district("atlantis", Ask.NOW)).isInstanceOf(UnknownCodeException.class);
        assertThat(requests).isEmpty();
    }

    // --- invariant ---

    @Test
    void shouldFindTheInvariantHoldingForConsistentTotals() {
        final InvariantReport report = service(conference()).check(Ask.NOW).value();
        assertThat(report.holds()).isTrue();
        assertThat(report.mismatches()).isEmpty();
        // signing: count, CNY, USD; groundbreaking: count, CNY, extra CNY; funding: count, CNY, extra CNY
        assertThat(report.figuresChecked()).isEqualTo(9);
    }

    @Test
    void shouldReportTheFigureOfADistrictTotalOffByOneCent() {
        final Map<String, Totals> data = new HashMap<>(conference());
        final Totals kunshan = data.get("D|kunshan");
        final Map<String, BigDecimal> amounts = new HashMap<>(kunshan.signing().amounts());
        amounts.merge("CNY", dec("0.01"), BigDecimal::add);
        data.put("D|kunshan", new Totals(new KindTotals(kunshan.signing().count(), amounts, kunshan.signing().extra()),
                kunshan.groundbreaking(), kunshan.funding()));

        final InvariantReport report = service(data).check(Ask.NOW).value();

        assertThat(report.holds()).isFalse();
        assertThat(report.mismatches()).containsExactly(new InvariantReport.Mismatch("signing.amounts.CNY",
                "8257000000.0000", "8257000000.0100", "8257000000.0000", "8257000000.0000"));
    }

    @Test
    void shouldReportACountMissingFromTheCells() {
        final Map<String, Totals> data = new HashMap<>(conference());
        data.remove("X|gusu|software");

        final InvariantReport report = service(data).check(Ask.NOW).value();

        assertThat(report.mismatches()).extracting(InvariantReport.Mismatch::figure)
                .containsExactly("funding.amounts.CNY", "funding.count");
    }

    @Test
    void shouldAskTheSourceForEverySliceWhenChecking() {
        service(conference()).check(Ask.NOW);
        assertThat(requests).extracting(Request::prefix).containsExactly("");
    }

    // --- as of ---

    @Test
    void shouldPassAsOfToTheSource() {
        final Instant asOf = Instant.parse("2022-02-10T04:00:00Z");
        service(conference()).district("kunshan", Ask.asOf(asOf));
        assertThat(requests).containsExactly(new Request("D|kunshan", new Ask(asOf, null)));
    }

    @Test
    void shouldPassNullAsOfToTheSourceForNow() {
        service(conference()).summary(Ask.NOW);
        assertThat(requests).containsExactly(new Request("T", new Ask(null, null)));
    }

    @Test
    void shouldAcceptAsOfExactlyAtTheHorizon() {
        final Instant reach = NOW.minus(HORIZON);
        service(conference()).summary(Ask.asOf(reach));
        assertThat(requests).extracting(r -> r.ask().asOf()).containsExactly(reach);
    }

    @Test
    void shouldRefuseAsOfBeforeTheHorizonNamingItsReach() {
        final Instant asOf = NOW.minus(HORIZON).minusSeconds(1);
        assertThatThrownBy(() -> service(conference()).summary(Ask.asOf(asOf)))
                .isInstanceOf(AsOfOutOfRangeException.class)
                .hasMessageContaining("asOf 2022-01-29T23:59:59Z")
                .hasMessageContaining("reach back to 2022-01-30T00:00:00Z");
        assertThat(requests).isEmpty();
    }

    @Test
    void shouldRefuseAsOfBeforeTheHorizonWhenChecking() {
        assertThatThrownBy(() -> service(conference()).check(Ask.asOf(Instant.parse("2021-01-01T00:00:00Z"))))
                .isInstanceOf(AsOfOutOfRangeException.class);
    }

    // --- max lag and provenance ---

    @Test
    void shouldPassMaxLagToTheSource() {
        service(conference()).sectors(new Ask(null, 5L));
        assertThat(requests).containsExactly(new Request("S|", new Ask(null, 5L)));
    }

    @Test
    void shouldPassAsOfAndMaxLagTogetherToTheSource() {
        final Instant asOf = Instant.parse("2022-02-10T04:00:00Z");
        service(conference()).cell("kunshan", "displays", new Ask(asOf, 10L));
        assertThat(requests).containsExactly(new Request("X|kunshan|displays", new Ask(asOf, 10L)));
    }

    @Test
    void shouldAnswerWithTheProvenanceOfTheSource() {
        final Provenance stale = new Provenance(Set.of("a:1", "b:2"), true, 7);
        final TotalsService service = new TotalsService((prefix, ask) -> new Answer<>(conference(), stale),
                Clock.fixed(NOW, ZoneOffset.UTC), HORIZON);

        assertThat(service.summary(Ask.NOW).provenance()).isEqualTo(stale);
    }

    @Test
    void shouldKeepTheProvenanceOfTheSourceForEveryQuestion() {
        final TotalsService service = service(conference());

        assertThat(List.of(service.summary(Ask.NOW).provenance(), service.districts(Ask.NOW).provenance(),
                service.district("kunshan", Ask.NOW).provenance(), service.sectors(Ask.NOW).provenance(),
                service.sector("software", Ask.NOW).provenance(), service.cell("kunshan", "displays", Ask.NOW).provenance(),
                service.check(Ask.NOW).provenance())).containsOnly(FROM_TEST);
    }

    // --- unavailable ---

    @Test
    void shouldLetUnavailabilityOfTheSourceThrough() {
        final TotalsService service = new TotalsService((prefix, ask) -> {
            throw new QueryUnavailableException("partition 3 is not available");
        }, Clock.fixed(NOW, ZoneOffset.UTC), HORIZON);
        assertThatThrownBy(() -> service.districts(Ask.NOW))
                .isInstanceOf(QueryUnavailableException.class)
                .hasMessage("partition 3 is not available");
    }
}
