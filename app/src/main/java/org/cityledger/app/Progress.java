package org.cityledger.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;
import org.cityledger.producers.ProgressListener;

/**
 * Progress of a long publication, on stderr. On a terminal a one-line bar redrawn in place; in a
 * log or pipe, plain lines at most every tenth of the way or every five seconds, since a redrawn bar
 * there would be one endless line of carriage returns. Thread-safe: acknowledgements arrive on the
 * sending threads.
 */
final class Progress implements ProgressListener {

    private static final long REDRAW_NANOS = Duration.ofMillis(100).toNanos();
    private static final long PLAIN_LINE_NANOS = Duration.ofSeconds(5).toNanos();
    private static final int BAR_WIDTH = 24;

    private final PrintWriter out;
    private final boolean terminal;
    private final LongSupplier nanoTime;
    private final String verb;
    private final long started;
    private long lastShown;
    private long lastTenth = -1;
    private int drawnWidth;
    private boolean drawn;

    /**
     * @param terminal whether {@code out} is a terminal that understands {@code \r}
     * @param nanoTime a monotonic clock: {@link System#nanoTime} but in tests
     */
    Progress(final PrintWriter out, final boolean terminal, final LongSupplier nanoTime, final String verb) {
        this.out = out;
        this.terminal = terminal;
        this.nanoTime = nanoTime;
        this.verb = verb;
        this.started = nanoTime.getAsLong();
        this.lastShown = started;
    }

    /** On {@code err}, as a bar when the process has a console. */
    static Progress on(final PrintWriter err, final String verb) {
        return new Progress(err, System.console() != null, System::nanoTime, verb);
    }

    @Override
    public synchronized void onProgress(final long done, final long total) {
        final long now = nanoTime.getAsLong();
        final boolean last = done >= total;
        if (terminal) {
            if (last || now - lastShown >= REDRAW_NANOS || !drawn) {
                redraw(done, total, now);
            }
            return;
        }
        final long tenth = total <= 0 ? 10 : done * 10 / total;
        if (tenth > lastTenth && (tenth > 0 || last) || now - lastShown >= PLAIN_LINE_NANOS) {
            lastTenth = Math.max(lastTenth, tenth);
            lastShown = now;
            out.println("  " + describe(done, total, now));
            out.flush();
        }
    }

    /** Ends the bar's line, so that what follows starts on a line of its own. */
    synchronized void finish() {
        if (terminal && drawn) {
            out.println();
            out.flush();
            drawn = false;
        }
    }

    private void redraw(final long done, final long total, final long now) {
        lastShown = now;
        final int filled = total <= 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, done * BAR_WIDTH / total);
        final String line = "  " + verb + " [" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "] "
                + describe(done, total, now).substring(verb.length() + 1);
        // pad over the end of a longer line drawn before, since \r only moves the cursor
        out.print("\r" + line + " ".repeat(Math.max(0, drawnWidth - line.length())));
        out.flush();
        drawnWidth = line.length();
        drawn = true;
    }

    private String describe(final long done, final long total, final long now) {
        final long percent = total <= 0 ? 100 : done * 100 / total;
        final double seconds = (now - started) / 1e9;
        final double rate = seconds > 0 ? done / seconds : 0;
        final String eta = rate > 0 && done < total ? ", ETA " + clock(Math.round((total - done) / rate)) : "";
        return String.format(Locale.ROOT, "%s %3d%% %,d/%,d events, %,.0f events/s%s", verb, percent, done, total, rate, eta);
    }

    private static String clock(final long seconds) {
        return String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
    }

    /** The demo's plain progress on stdout, at most every tenth of the way. */
    static void print(final String verb, final long done, final long total) {
        final long step = Math.max(1, total / 10);
        if (done == total || done % step == 0) {
            System.out.printf(Locale.ROOT, "  %s %d/%d events (%d%%)%n", verb, done, total, total == 0 ? 100 : done * 100 / total);
        }
    }
}
