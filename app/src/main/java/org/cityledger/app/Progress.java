package org.cityledger.app;

import java.util.Locale;

/** One-line progress on the terminal for long work, at most every tenth of the way. */
final class Progress {

    private Progress() {
    }

    static void print(final String verb, final long done, final long total) {
        final long step = Math.max(1, total / 10);
        if (done == total || done % step == 0) {
            System.out.printf(Locale.ROOT, "  %s %d/%d events (%d%%)%n", verb, done, total, total == 0 ? 100 : done * 100 / total);
        }
    }
}
