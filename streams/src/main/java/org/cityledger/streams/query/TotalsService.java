package org.cityledger.streams.query;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The questions a dashboard or an auditor asks of the totals, answered from a
 * {@link PartialTotalsSource}. Knows the reference codes, nothing of HTTP. Lists hold every known
 * district or sector, in reference order, with empty totals where nothing has happened yet. Every
 * question can be asked as of an instant ({@link Ask#asOf()}, null for now): the totals of the
 * events that had occurred by then, however late they arrived. Answers say where they came from.
 */
public final class TotalsService {

    private final PartialTotalsSource source;
    private final Clock clock;
    private final Duration horizon;

    public TotalsService(final PartialTotalsSource source, final Clock clock, final Duration horizon) {
        this.source = source;
        this.clock = clock;
        this.horizon = horizon;
    }

    public Answer<Slice> summary(final Ask ask) {
        return one(TotalsKey.SUMMARY, ask).map(totals -> new Slice(null, null, totals));
    }

    public Answer<List<Slice>> districts(final Ask ask) {
        return totals(TotalsKey.DISTRICT_PREFIX, ask).map(totals -> {
            final List<Slice> slices = new ArrayList<>(Reference.DISTRICTS.size());
            for (final Reference.Code district : Reference.DISTRICTS) {
                slices.add(new Slice(district.code(), null, totals.getOrDefault(TotalsKey.district(district.code()), Totals.EMPTY)));
            }
            return slices;
        });
    }

    /** A district by its code or its national code (GB/T 2260, e.g. 320583 for Kunshan). */
    public Answer<Slice> district(final String asked, final Ask ask) {
        final String district = Reference.districtCode(asked);
        requireDistrict(district);
        return one(TotalsKey.district(district), ask).map(totals -> new Slice(district, null, totals));
    }

    public Answer<List<Slice>> sectors(final Ask ask) {
        return totals(TotalsKey.SECTOR_PREFIX, ask).map(totals -> {
            final List<Slice> slices = new ArrayList<>(Reference.SECTORS.size());
            for (final Reference.Code sector : Reference.SECTORS) {
                slices.add(new Slice(null, sector.code(), totals.getOrDefault(TotalsKey.sector(sector.code()), Totals.EMPTY)));
            }
            return slices;
        });
    }

    /** A sector by its code or its national code (GB/T 4754-2017 class, e.g. 3973 for semiconductors). */
    public Answer<Slice> sector(final String asked, final Ask ask) {
        final String sector = Reference.sectorCode(asked);
        requireSector(sector);
        return one(TotalsKey.sector(sector), ask).map(totals -> new Slice(null, sector, totals));
    }

    public Answer<Slice> cell(final String askedDistrict, final String askedSector, final Ask ask) {
        final String district = Reference.districtCode(askedDistrict);
        final String sector = Reference.sectorCode(askedSector);
        requireDistrict(district);
        requireSector(sector);
        return one(TotalsKey.cell(district, sector), ask).map(totals -> new Slice(district, sector, totals));
    }

    /** Checks that districts, sectors and cells each add up to the summary, figure by figure. */
    public Answer<InvariantReport> check(final Ask ask) {
        return totals("", ask).map(TotalsService::check);
    }

    private static InvariantReport check(final Map<String, Totals> all) {
        final Map<String, BigDecimal> summary = figures(List.of(all.getOrDefault(TotalsKey.SUMMARY, Totals.EMPTY)));
        final Map<String, BigDecimal> districts = figures(withPrefix(all, TotalsKey.DISTRICT_PREFIX));
        final Map<String, BigDecimal> sectors = figures(withPrefix(all, TotalsKey.SECTOR_PREFIX));
        final Map<String, BigDecimal> cells = figures(withPrefix(all, TotalsKey.CELL_PREFIX));
        final Set<String> names = new TreeSet<>(summary.keySet());
        names.addAll(districts.keySet());
        names.addAll(sectors.keySet());
        names.addAll(cells.keySet());
        final List<InvariantReport.Mismatch> mismatches = new ArrayList<>();
        for (final String name : names) {
            final BigDecimal expected = summary.getOrDefault(name, BigDecimal.ZERO);
            final BigDecimal d = districts.getOrDefault(name, BigDecimal.ZERO);
            final BigDecimal s = sectors.getOrDefault(name, BigDecimal.ZERO);
            final BigDecimal c = cells.getOrDefault(name, BigDecimal.ZERO);
            if (expected.compareTo(d) != 0 || expected.compareTo(s) != 0 || expected.compareTo(c) != 0) {
                mismatches.add(new InvariantReport.Mismatch(name, expected.toPlainString(), d.toPlainString(),
                        s.toPlainString(), c.toPlainString()));
            }
        }
        return new InvariantReport(names.size(), mismatches);
    }

    private static List<Totals> withPrefix(final Map<String, Totals> all, final String prefix) {
        return all.entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).map(Map.Entry::getValue).toList();
    }

    /** Every figure of the given totals added up: "signing.count", "signing.amounts.CNY", ... */
    private static Map<String, BigDecimal> figures(final List<Totals> slices) {
        final Map<String, BigDecimal> sums = new TreeMap<>();
        for (final Totals totals : slices) {
            for (final EventKind kind : EventKind.values()) {
                final KindTotals k = totals.of(kind);
                final String name = kind.name().toLowerCase(Locale.ROOT);
                sums.merge(name + ".count", BigDecimal.valueOf(k.count()), BigDecimal::add);
                k.amounts().forEach((currency, value) -> sums.merge(name + ".amounts." + currency, value, BigDecimal::add));
                k.extra().forEach((currency, value) -> sums.merge(name + ".extra." + currency, value, BigDecimal::add));
            }
        }
        return sums;
    }

    private Answer<Totals> one(final String key, final Ask ask) {
        return totals(key, ask).map(totals -> totals.getOrDefault(key, Totals.EMPTY));
    }

    private Answer<Map<String, Totals>> totals(final String prefix, final Ask ask) {
        final Instant asOf = ask.asOf();
        if (asOf != null) {
            final Instant reach = clock.instant().minus(horizon);
            if (asOf.isBefore(reach)) {
                throw new AsOfOutOfRangeException("asOf " + asOf + " is before the ledger's horizon: as-of totals reach back to "
                        + reach + " (" + horizon + ")");
            }
        }
        return source.totals(prefix, ask);
    }

    private static void requireDistrict(final String district) {
        if (!Reference.isDistrict(district)) {
            throw new UnknownCodeException("district", district);
        }
    }

    private static void requireSector(final String sector) {
        if (!Reference.isSector(sector)) {
            throw new UnknownCodeException("sector", sector);
        }
    }
}
