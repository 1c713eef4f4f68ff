package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
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
    private final RecordingDelivery sink = new RecordingDelivery();
    private final FilePublisher files = new FilePublisher(json);

    @TempDir
    private Path dir;

    @Test
    void shouldPublishEveryEventOfAGoodFile() throws IOException {
        final Path file = write(line("e-1"), line("e-2"), line("e-3"));

        final FileReport report = publish(file);

        assertThat(sink.sent).extracting(LedgerEvent::eventId).containsExactly("e-1", "e-2", "e-3");
        assertThat(report.published()).isEqualTo(3);
    }

    @Test
    void shouldSkipBlankAndCommentLines() throws IOException {
        final Path file = write("# kunshan office, February 2022", line("e-1"), "", "   ", line("e-2"));

        final FileReport report = publish(file);

        assertThat(report.linesRead()).isEqualTo(5);
        assertThat(report.events()).isEqualTo(2);
        assertThat(report.published()).isEqualTo(2);
    }

    @Test
    void shouldPublishNothingWhenALineIsBad() throws IOException {
        final Path file = write(line("e-1"), line("e-2").replace("\"kunshan\"", "\"atlantis\""), line("e-3"));

        publish(file);

        assertThat(sink.sent).isEmpty();
    }

    @Test
    void shouldReportEveryBadLineWithItsNumber() throws IOException {
        final Path file = write(line("e-1"), "{not json", line("e-3"), line("e-4").replace("\"kunshan\"", "\"atlantis\""));

        final FileReport report = publish(file);

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

        publish(file);

        assertThat(sink.sent).singleElement().extracting(e -> e.project().company())
                .isEqualTo("华信显示 Technology (Kunshan) Co., Ltd.");
    }

    @Test
    void shouldIgnoreAByteOrderMark() throws IOException {
        final Path file = write("\uFEFF" + line("e-1"));

        assertThat(publish(file).published()).isEqualTo(1);
    }

    @Test
    void shouldAcceptWindowsLineEndings() throws IOException {
        final Path file = dir.resolve("crlf.jsonl");
        Files.writeString(file, line("e-1") + "\r\n" + line("e-2") + "\r\n", StandardCharsets.UTF_8);

        assertThat(publish(file).published()).isEqualTo(2);
    }

    @Test
    void shouldReadALastLineWithoutLineBreak() throws IOException {
        final Path file = dir.resolve("no-final-newline.jsonl");
        Files.writeString(file, line("e-1") + "\n" + line("e-2"), StandardCharsets.UTF_8);

        assertThat(publish(file).published()).isEqualTo(2);
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

        assertThat(sink.sent).isEmpty();
        assertThat(report.events()).isEqualTo(2);
        assertThat(report.isClean()).isTrue();
        assertThat(report.delivery()).isNull();
    }

    @Test
    void shouldPassProgressOnToTheSink() throws IOException {
        final Path file = write(line("e-1"), line("e-2"));
        final List<Long> seen = new ArrayList<>();

        files.publish(file, FileFormat.JSONL, sink, FilePublisher.Options.defaults(), (done, total) -> seen.add(done));

        assertThat(seen).containsExactly(1L, 2L);
    }

    @Test
    void shouldSendTheGoodLinesWhenSkippingInvalidOnes() throws IOException {
        final Path file = write(line("e-1"), line("e-2").replace("\"kunshan\"", "\"atlantis\""), line("e-3"));

        final FileReport report = files.publish(file, FileFormat.JSONL, sink,
                new FilePublisher.Options(500, dir.resolve("rejects.jsonl")), ProgressListener.none());

        assertThat(sink.sent).extracting(LedgerEvent::eventId).containsExactly("e-1", "e-3");
        assertThat(report.errors()).extracting(FileReport.LineError::line).containsExactly(2);
    }

    @Test
    void shouldWriteEachBadJsonLineToTheRejectsFileWithItsNumberAndReasons() throws IOException {
        final String bad = line("e-2").replace("\"kunshan\"", "\"atlantis\"");
        final Path file = write(line("e-1"), bad);
        final Path rejects = dir.resolve("rejects.jsonl");

        files.publish(file, FileFormat.JSONL, sink, new FilePublisher.Options(500, rejects), ProgressListener.none());

        final JsonNode written = JsonMapper.builder().build().readTree(Files.readString(rejects, StandardCharsets.UTF_8));
        assertThat(written.get("line").intValue()).isEqualTo(2);
        assertThat(written.get("reasons").get(0).textValue()).isEqualTo("district: unknown district 'atlantis'");
        assertThat(written.get("input").textValue()).isEqualTo(bad);
    }

    @Test
    void shouldWriteEachBadCsvRowWithItsColumnsLineAndReasons() throws IOException {
        final Path file = dir.resolve("office.csv");
        Files.writeString(file, "eventId,type,amount.value\r\nks-1,SIGNING,\"1,5\"\r\n", StandardCharsets.UTF_8);
        final Path rejects = dir.resolve("rejects.csv");

        files.publish(file, FileFormat.CSV, sink, new FilePublisher.Options(500, rejects), ProgressListener.none());

        assertThat(Files.readString(rejects, StandardCharsets.UTF_8)).startsWith(
                "\uFEFFeventId,type,amount.value,line,reasons\r\nks-1,SIGNING,\"1,5\",2,\"amount.value: must be a decimal string");
    }

    @Test
    void shouldSendInBatchesOfTheGivenSize() throws IOException {
        final Path file = write(line("e-1"), line("e-2"), line("e-3"), line("e-4"), line("e-5"));

        files.publish(file, FileFormat.JSONL, sink, new FilePublisher.Options(2, null), ProgressListener.none());

        assertThat(sink.batchSizes).containsExactly(2, 2, 1);
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

    private FileReport publish(final Path file) throws IOException {
        return files.publish(file, FileFormat.of(file), sink, FilePublisher.Options.defaults(), ProgressListener.none());
    }
}
