package org.cityledger.streams.totals;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
    /** Per-period history of a slice, for as-of totals: {@code H|<slice key>@<period number, 7 digits>}. */
    public static final String HISTORY_PREFIX = "H|";

    /**
     * Length of a history period. As-of T adds whole periods before T's period and scans the events
     * of T's own period: longer periods mean fewer totals kept, shorter ones less to scan.
     */
    public static final long PERIOD_MILLIS = 30L * 86_400_000L;

    // codes are validated against the reference lists before they get here, so these stay small
    private static final Map<String, Map<String, String[]>> SLICES = new ConcurrentHashMap<>();
    private static final Map<String, Map<String, Map<Long, String[]>>> HISTORIES = new ConcurrentHashMap<>();

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

    /**
     * The four slices an event in {@code district} and {@code sector} counts in. Callers must not
     * modify the array: it is shared, because building four keys per event showed in profiles.
     */
    public static String[] slices(final String district, final String sector) {
        return SLICES.computeIfAbsent(district, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(sector, s -> new String[] {SUMMARY, district(district), sector(sector), cell(district, sector)});
    }

    /** The history keys of {@link #slices} in one period; shared like them. */
    public static String[] histories(final String district, final String sector, final long period) {
        return HISTORIES.computeIfAbsent(district, d -> new ConcurrentHashMap<>())
                .computeIfAbsent(sector, s -> new ConcurrentHashMap<>())
                .computeIfAbsent(period, p -> {
                    final String[] slices = slices(district, sector);
                    final String[] keys = new String[slices.length];
                    for (int i = 0; i < slices.length; i++) {
                        keys[i] = history(slices[i], p);
                    }
                    return keys;
                });
    }

    /** The history period (30-day periods since 1970-01-01 UTC) of an instant in epoch milliseconds. */
    public static long period(final long epochMillis) {
        return Math.floorDiv(epochMillis, PERIOD_MILLIS);
    }

    public static long periodStart(final long period) {
        return period * PERIOD_MILLIS;
    }

    public static String history(final String slice, final long period) {
        final String digits = Long.toString(period);
        return HISTORY_PREFIX + slice + '@' + "0000000".substring(Math.min(7, digits.length())) + digits;
    }

    public static String historySlice(final String historyKey) {
        return historyKey.substring(HISTORY_PREFIX.length(), historyKey.lastIndexOf('@'));
    }

    public static long historyPeriod(final String historyKey) {
        return Long.parseLong(historyKey.substring(historyKey.lastIndexOf('@') + 1));
    }

    /** The part of a key after its prefix: the district, the sector, or "district|sector". */
    public static String suffix(final String key) {
        return key.substring(2);
    }
}
