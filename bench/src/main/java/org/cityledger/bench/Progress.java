package org.cityledger.bench;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress lines on standard error while a stage runs (standard output keeps the table alone, for
 * piping): one at every tenth of the way, with the rate so far. Thread-safe.
 */
final class Progress {

    private final PrintStream out;
    private final String stage;
    private final String unit;
    private final long total;
    private final long startNanos = System.nanoTime();
    private int tenthsShown;

    private Progress(final PrintStream out, final String stage, final String unit, final long total) {
        this.out = out;
        this.stage = stage;
        this.unit = unit;
        this.total = total;
    }

    static Progress of(final PrintStream out, final String stage, final String unit, final long total) {
        return new Progress(out, stage, unit, total);
    }

    /** For work too short to report on. */
    static Progress none() {
        return new Progress(null, "", "", 0);
    }

    /** Reports that {@code done} of the total are done; prints if a new tenth was reached. */
    void update(final long done) {
        if (out == null) {
            return;
        }
        final int tenths = total <= 0 ? 10 : (int) Math.min(10, done * 10 / total);
        synchronized (this) {
            if (tenths <= tenthsShown) {
                return;
            }
            tenthsShown = tenths;
        }
        final double seconds = (System.nanoTime() - startNanos) / 1e9;
        note(out, stage, String.format(Locale.ROOT, "%3d%%  %,d/%,d %s  %,.0f %s/s  %.1f s", tenths * 10, done, total,
                unit, seconds > 0 ? done / seconds : 0.0, unit, seconds));
    }

    static void note(final PrintStream out, final String stage, final String message) {
        synchronized (out) {
            out.printf(Locale.ROOT, "[%-8s] %s%n", stage, message);
            out.flush();
        }
    }
}
