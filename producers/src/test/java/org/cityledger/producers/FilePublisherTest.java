package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FilePublisherTest {

    private final IngestJson json = new IngestJson(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final RecordingSink sink = new RecordingSink();
    private final FilePublisher files = new FilePublisher(json, sink);

    @TempDir
    private Path dir;

    @Test
    void shouldPublishEveryEventOfAGoodFile() throws IOException {
        final Path file = write(line("e-1"), line("e-2"), line("e-3"));

        final FileReport report = files.publish(file);

        assertThat(sink.published).extracting(LedgerEvent::eventId).containsExactly("e-1", "e-2", "e-3");
        assertThat(report.published()).isEqualTo(3);
    }

    @Test
    void shouldSkipBlankAndCommentLines() throws IOException {
        final Path file = write("# kunshan office, February 2022", line("e-1"), "", "   ", line("e-2"));

        final FileReport report = files.publish(file);

        assertThat(report).isEqualTo(new FileReport(file, 5, 2, 2, List.of()));
    }

    @Test
    void shouldPublishNothingWhenALineIsBad() throws IOException {
        final Path file = write(line("e-1"), line("e-2").replace("\"kunshan\"", "\"atlantis\""), line("e-3"));

        files.publish(file);

        assertThat(sink.published).isEmpty();
    }

    @Test
    void shouldReportEveryBadLineWithItsNumber() throws IOException {
        final Path file = write(line("e-1"), "{not json", line("e-3"), line("e-4").replace("\"kunshan\"", "\"atlantis\""));

        final FileReport report = files.publish(file);

        assertThat(report.errors()).extracting(FileReport.LineError::line).containsExactly(2, 4);
        assertThat(report.errors().get(1).violations())
                .containsExactly(new Violation("district", "unknown district 'atlantis'"));
    }

    @Test
    void shouldDescribeABadLineByNumberFieldAndReason() throws IOException {
        final Path file = write(line("e-1").replace("\"kunshan\"", "\"atlantis\""));

        assertThat(files.check(file).errors()).extracting(FileReport.LineError::toString)
                .containsExactly("line 1: district: unknown district 'atlantis'");
    }

    @Test
    void shouldRefuseALineThatIsNotUtf8() throws IOException {
        final Path file = dir.resolve("gbk.jsonl");
        final String chinese = line("e-2").replace("Huaxin Display", "华信显示");
        Files.write(file, (line("e-1") + "\n").getBytes(StandardCharsets.UTF_8));
        Files.write(file, (chinese + "\n").getBytes(Charset.forName("GBK")), StandardOpenOption.APPEND);

        final FileReport report = files.check(file);

        assertThat(report.errors()).containsExactly(new FileReport.LineError(2, List.of(
                new Violation("$", "is not valid UTF-8 (the file must be saved as UTF-8)"))));
    }

    @Test
    void shouldReadChineseNamesInUtf8() throws IOException {
        final Path file = write(line("e-1").replace("Huaxin Display", "华信显示"));

        files.publish(file);

        assertThat(sink.published).singleElement().extracting(e -> e.project().company())
                .isEqualTo("华信显示 Technology (Kunshan) Co., Ltd.");
    }

    @Test
    void shouldIgnoreAByteOrderMark() throws IOException {
        final Path file = write("\uFEFF" + line("e-1"));

        assertThat(files.publish(file).published()).isEqualTo(1);
    }

    @Test
    void shouldAcceptWindowsLineEndings() throws IOException {
        final Path file = dir.resolve("crlf.jsonl");
        Files.writeString(file, line("e-1") + "\r\n" + line("e-2") + "\r\n", StandardCharsets.UTF_8);

        assertThat(files.publish(file).published()).isEqualTo(2);
    }

    @Test
    void shouldReadALastLineWithoutLineBreak() throws IOException {
        final Path file = dir.resolve("no-final-newline.jsonl");
        Files.writeString(file, line("e-1") + "\n" + line("e-2"), StandardCharsets.UTF_8);

        assertThat(files.publish(file).published()).isEqualTo(2);
    }

    @Test
    void shouldAcceptTheSameEventTwice() throws IOException {
        final Path file = write(line("e-1"), line("e-1"));

        assertThat(files.check(file).isClean()).isTrue();
    }

    @Test
    void shouldRefuseAnEventIdReusedForADifferentEvent() throws IOException {
        final Path file = write(line("e-1"), line("e-1").replace("1500000000.00", "1600000000.00"));

        assertThat(files.check(file).errors()).containsExactly(new FileReport.LineError(2, List.of(
                new Violation("eventId", "already used on line 1 for a different event"))));
    }

    @Test
    void shouldCheckWithoutPublishing() throws IOException {
        final Path file = write(line("e-1"), line("e-2"));

        final FileReport report = files.check(file);

        assertThat(sink.published).isEmpty();
        assertThat(report).isEqualTo(new FileReport(file, 2, 2, 0, List.of()));
    }

    @Test
    void shouldPassProgressOnToTheSink() throws IOException {
        final Path file = write(line("e-1"), line("e-2"));
        final List<Long> seen = new ArrayList<>();

        files.publish(file, (done, total) -> seen.add(done));

        assertThat(seen).containsExactly(1L, 2L);
    }

    private Path write(final String... lines) throws IOException {
        final Path file = dir.resolve("office.jsonl");
        Files.write(file, List.of(lines), StandardCharsets.UTF_8);
        return file;
    }

    private String line(final String eventId) {
        return json.write(LedgerEvent.builder(EventKind.SIGNING).eventId(eventId)
                .occurredAt(Instant.parse("2022-02-10T01:30:00Z")).district("kunshan").sector("displays")
                .project(new ProjectRef("prj-" + eventId, "OLED display module line",
                        "Huaxin Display Technology (Kunshan) Co., Ltd.", "strategic-emerging"))
                .amount(Amount.of("1500000000.00", "CNY")).build());
    }

    /** Stands in for the Kafka publisher: what this class decides is whether and what to publish. */
    private static final class RecordingSink implements EventSink {
        private final List<LedgerEvent> published = new ArrayList<>();

        @Override
        public PublishResult publishAll(final Iterable<LedgerEvent> events, final ProgressListener progress) {
            final List<LedgerEvent> batch = new ArrayList<>();
            events.forEach(batch::add);
            for (final LedgerEvent event : batch) {
                published.add(event);
                progress.onProgress(published.size(), batch.size());
            }
            return new PublishResult(batch.size(), Duration.ZERO);
        }
    }
}
