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
    /** Per-day history of a slice, for as-of totals: {@code H|<slice key>@<epoch day, 7 digits>}. */
    public static final String HISTORY_PREFIX = "H|";

    private static final long MILLIS_PER_DAY = 86_400_000L;

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

    /** The four slices an event in {@code district} and {@code sector} counts in. */
    public static String[] slices(final String district, final String sector) {
        return new String[] {SUMMARY, district(district), sector(sector), cell(district, sector)};
    }

    /** The UTC day (days since 1970-01-01) of an instant in epoch milliseconds. */
    public static long day(final long epochMillis) {
        return Math.floorDiv(epochMillis, MILLIS_PER_DAY);
    }

    public static long dayStart(final long day) {
        return day * MILLIS_PER_DAY;
    }

    public static String history(final String slice, final long day) {
        final String digits = Long.toString(day);
        return HISTORY_PREFIX + slice + '@' + "0000000".substring(Math.min(7, digits.length())) + digits;
    }

    public static String historySlice(final String historyKey) {
        return historyKey.substring(HISTORY_PREFIX.length(), historyKey.lastIndexOf('@'));
    }

    public static long historyDay(final String historyKey) {
        return Long.parseLong(historyKey.substring(historyKey.lastIndexOf('@') + 1));
    }

    /** The part of a key after its prefix: the district, the sector, or "district|sector". */
    public static String suffix(final String key) {
        return key.substring(2);
    }
}
