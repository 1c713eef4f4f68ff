package org.cityledger.streams.totals;

/**
 * Keys of the totals store. One store holds every slice so that one event updates its four slices
 * in one place and a query reads one store. Codes contain no '|' (they are validated against the
 * reference lists before they get here).
 */
public final class TotalsKey {

    public static final String SUMMARY = "T";
    public static final String DISTRICT_PREFIX = "D|";
    public static final String SECTOR_PREFIX = "S|";
    public static final String CELL_PREFIX = "X|";

    private TotalsKey() {
    }

    public static String district(final String district) {
        return DISTRICT_PREFIX + district;
    }

    public static String sector(final String sector) {
        return SECTOR_PREFIX + sector;
    }

    public static String cell(final String district, final String sector) {
        return CELL_PREFIX + district + '|' + sector;
    }

    /** The part of a key after its prefix: the district, the sector, or "district|sector". */
    public static String suffix(final String key) {
        return key.substring(2);
    }
}
