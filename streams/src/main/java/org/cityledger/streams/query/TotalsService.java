package org.cityledger.streams.query;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cityledger.domain.Reference;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The questions a dashboard or an auditor asks of the totals, answered from a
 * {@link PartialTotalsSource}. Knows the reference codes, nothing of HTTP. Lists hold every known
 * district or sector, in reference order, with empty totals where nothing has happened yet.
 */
public final class TotalsService {

    private final PartialTotalsSource source;

    public TotalsService(final PartialTotalsSource source) {
        this.source = source;
    }

    public Slice summary() {
        return new Slice(null, null, source.totals(TotalsKey.SUMMARY).getOrDefault(TotalsKey.SUMMARY, Totals.EMPTY));
    }

    public List<Slice> districts() {
        final Map<String, Totals> totals = source.totals(TotalsKey.DISTRICT_PREFIX);
        final List<Slice> slices = new ArrayList<>(Reference.DISTRICTS.size());
        for (final Reference.Code district : Reference.DISTRICTS) {
            slices.add(new Slice(district.code(), null, totals.getOrDefault(TotalsKey.district(district.code()), Totals.EMPTY)));
        }
        return slices;
    }

    public Slice district(final String district) {
        requireDistrict(district);
        final String key = TotalsKey.district(district);
        return new Slice(district, null, source.totals(key).getOrDefault(key, Totals.EMPTY));
    }

    public List<Slice> sectors() {
        final Map<String, Totals> totals = source.totals(TotalsKey.SECTOR_PREFIX);
        final List<Slice> slices = new ArrayList<>(Reference.SECTORS.size());
        for (final Reference.Code sector : Reference.SECTORS) {
            slices.add(new Slice(null, sector.code(), totals.getOrDefault(TotalsKey.sector(sector.code()), Totals.EMPTY)));
        }
        return slices;
    }

    public Slice sector(final String sector) {
        requireSector(sector);
        final String key = TotalsKey.sector(sector);
        return new Slice(null, sector, source.totals(key).getOrDefault(key, Totals.EMPTY));
    }

    public Slice cell(final String district, final String sector) {
        requireDistrict(district);
        requireSector(sector);
        final String key = TotalsKey.cell(district, sector);
        return new Slice(district, sector, source.totals(key).getOrDefault(key, Totals.EMPTY));
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
