package org.cityledger.bench;

import java.util.Locale;

/** How figures read in the table: grouped digits, units spelled out, no false precision. */
final class Fmt {

    private static final double MIB = 1024.0 * 1024.0;

    private Fmt() {
    }

    static String count(final long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String rate(final double perSecond, final String unit) {
        return String.format(Locale.ROOT, "%,.0f %s/s", perSecond, unit);
    }

    static String megabytesPerSecond(final double bytesPerSecond) {
        return String.format(Locale.ROOT, "%,.1f MB/s", bytesPerSecond / 1e6);
    }

    static String millis(final double ms) {
        return ms < 10 ? String.format(Locale.ROOT, "%.2f ms", ms) : String.format(Locale.ROOT, "%,.1f ms", ms);
    }

    static String seconds(final double s) {
        return String.format(Locale.ROOT, "%,.1f s", s);
    }

    static String mib(final long bytes) {
        return String.format(Locale.ROOT, "%,.0f MiB", bytes / MIB);
    }

    static String ratio(final double r) {
        return String.format(Locale.ROOT, "%.2f x", r);
    }

    /** A double for the JSON: three decimals are more than any figure here is worth. */
    static double round(final double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return value;
        }
        return Math.round(value * 1000.0) / 1000.0;
    }

    static double toMib(final long bytes) {
        return round(bytes / MIB);
    }
}
