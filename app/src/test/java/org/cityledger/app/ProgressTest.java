package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressTest {

    private final StringWriter out = new StringWriter();
    private final AtomicLong now = new AtomicLong();

    @Test
    void shouldPrintAPlainLineAtEachTenthWhenNotOnATerminal() {
        final Progress progress = new Progress(new PrintWriter(out), false, now::get, "published");

        for (long done = 1; done <= 100; done++) {
            progress.onProgress(done, 100);
        }

        assertThat(out.toString().lines()).hasSize(10).allMatch(line -> line.startsWith("  published "));
        assertThat(out.toString()).doesNotContain("\r");
    }

    @Test
    void shouldPrintAPlainLineAfterFiveSecondsWithinATenth() {
        final Progress progress = new Progress(new PrintWriter(out), false, now::get, "published");
        progress.onProgress(1, 1000);
        now.addAndGet(Duration.ofSeconds(5).toNanos());

        progress.onProgress(2, 1000);

        assertThat(out.toString().lines()).singleElement().asString().contains("2/1,000 events", "0%");
    }

    @Test
    void shouldSayRateAndTimeLeft() {
        final Progress progress = new Progress(new PrintWriter(out), false, now::get, "published");
        now.addAndGet(Duration.ofSeconds(10).toNanos());

        progress.onProgress(100, 1000);

        assertThat(out.toString()).contains("10% 100/1,000 events, 10 events/s, ETA 0:01:30");
    }

    @Test
    void shouldRedrawOneLineInPlaceOnATerminal() {
        final Progress progress = new Progress(new PrintWriter(out), true, now::get, "published");
        for (long done = 1; done <= 4; done++) {
            now.addAndGet(Duration.ofSeconds(1).toNanos());
            progress.onProgress(done, 4);
        }
        progress.finish();

        assertThat(out.toString()).startsWith("\r").endsWith(System.lineSeparator());
        assertThat(out.toString().chars().filter(c -> c == '\r')).hasSize(4);
        assertThat(out.toString().chars().filter(c -> c == '\n')).hasSize(1);
        assertThat(out.toString()).contains("[########################] 100% 4/4 events");
    }
}
