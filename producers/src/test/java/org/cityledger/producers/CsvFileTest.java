package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFileTest {

    private static final String HEADER = "eventId,type,occurredAt,district,sector,project.id,project.name,project.company,"
            + "project.category,amount.value,amount.currency,plannedWithinYear.value,plannedWithinYear.currency,program,"
            + "matching.value,matching.currency,corrects";

    private final IngestJson json = new IngestJson(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final FilePublisher files = new FilePublisher(json);

    @TempDir
    private Path dir;

    @Test
    void shouldReadASpreadsheetExportAsTheSameEventsAsItsJsonLines() throws IOException {
        // as a spreadsheet saves "CSV UTF-8": BOM, CRLF, quotes around cells with commas, quotes and line breaks
        final Path csv = write("office.csv", "\uFEFF" + HEADER + "\r\n"
                + "ks-1,SIGNING,2022-02-10T09:30:00+08:00,kunshan,displays,KS-P-1,\"OLED line, phase 2\","
                + "\"昆山华信显示科技有限公司\",strategic-emerging,1500000000.00,CNY,,,,,,\r\n"
                + "ks-2,GROUNDBREAKING,2022-02-10T10:00:00+08:00,kunshan,semiconductors,KS-P-2,"
                + "\"12-inch \"\"wafer\"\" line\r\nwest hall\",苏州微芯有限公司,strategic-emerging,800000000.00,CNY,"
                + "200000000.00,CNY,,,,\r\n"
                + "ks-3,FUNDING,2022-02-10T11:00:00+08:00,kunshan,software,KS-P-3,工业软件平台,\"Kunshan Soft Co., Ltd.\","
                + "rnd-platform,4500000.00,CNY,,,open-competition,13200000.00,CNY,\r\n");
        final Path jsonl = write("office.jsonl", String.join("\n",
                "{\"eventId\":\"ks-1\",\"type\":\"SIGNING\",\"occurredAt\":\"2022-02-10T09:30:00+08:00\",\"district\":\"kunshan\","
                        + "\"sector\":\"displays\",\"project\":{\"id\":\"KS-P-1\",\"name\":\"OLED line, phase 2\","
                        + "\"company\":\"昆山华信显示科技有限公司\",\"category\":\"strategic-emerging\"},"
                        + "\"amount\":{\"value\":\"1500000000.00\",\"currency\":\"CNY\"}}",
                "{\"eventId\":\"ks-2\",\"type\":\"GROUNDBREAKING\",\"occurredAt\":\"2022-02-10T10:00:00+08:00\",\"district\":\"kunshan\","
                        + "\"sector\":\"semiconductors\",\"project\":{\"id\":\"KS-P-2\",\"name\":\"12-inch \\\"wafer\\\" line\\r\\nwest hall\","
                        + "\"company\":\"苏州微芯有限公司\",\"category\":\"strategic-emerging\"},"
                        + "\"amount\":{\"value\":\"800000000.00\",\"currency\":\"CNY\"},"
                        + "\"plannedWithinYear\":{\"value\":\"200000000.00\",\"currency\":\"CNY\"}}",
                "{\"eventId\":\"ks-3\",\"type\":\"FUNDING\",\"occurredAt\":\"2022-02-10T11:00:00+08:00\",\"district\":\"kunshan\","
                        + "\"sector\":\"software\",\"project\":{\"id\":\"KS-P-3\",\"name\":\"工业软件平台\","
                        + "\"company\":\"Kunshan Soft Co., Ltd.\",\"category\":\"rnd-platform\"},"
                        + "\"amount\":{\"value\":\"4500000.00\",\"currency\":\"CNY\"},\"program\":\"open-competition\","
                        + "\"matching\":{\"value\":\"13200000.00\",\"currency\":\"CNY\"}}"));

        final List<LedgerEvent> fromCsv = published(csv);
        final List<LedgerEvent> fromJson = published(jsonl);

        assertThat(fromCsv).hasSize(3).isEqualTo(fromJson);
    }

    @Test
    void shouldRefuseAnUnknownColumnNamingIt() throws IOException {
        final Path csv = write("office.csv", HEADER.replace("amount.value", "amount.valeu") + "\n");

        final FileReport report = files.check(csv);

        assertThat(report.unreadable()).isTrue();
        assertThat(report.errors()).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(1);
            assertThat(error.violations()).singleElement().satisfies(v -> {
                assertThat(v.field()).isEqualTo("amount.valeu");
                assertThat(v.reason()).startsWith("unknown column; the columns are eventId, type,");
            });
        });
    }

    @Test
    void shouldTakeAnEmptyCellAsAnAbsentField() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1500000000.00") + "\n");

        assertThat(published(csv)).singleElement().satisfies(event -> {
            assertThat(event.plannedWithinYear()).isNull();
            assertThat(event.program()).isNull();
            assertThat(event.matching()).isNull();
            assertThat(event.corrects()).isNull();
        });
    }

    @Test
    void shouldReportAMissingFieldAsTheJsonFormDoes() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1500000000.00").replace(",displays,", ",,") + "\n");

        assertThat(files.check(csv).errors()).containsExactly(new FileReport.LineError(2,
                List.of(new Violation("sector", "is required"))));
    }

    @Test
    void shouldNumberABadRowByItsPhysicalLineAfterAMultiLineCell() throws IOException {
        final Path csv = write("office.csv", HEADER + "\r\n"
                + row("ks-1", "1").replace("OLED line", "\"OLED line\r\nphase 2\r\nwest hall\"") + "\r\n"
                + row("ks-2", "-5") + "\r\n");

        assertThat(files.check(csv).errors()).extracting(FileReport.LineError::line).containsExactly(5);
    }

    @Test
    void shouldRefuseARowWithMoreCellsThanTheHeader() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1") + ",extra\n");

        assertThat(files.check(csv).errors()).containsExactly(new FileReport.LineError(2,
                List.of(new Violation("$", "has 18 cells but the header names 17 columns"))));
    }

    @Test
    void shouldSkipRowsOfEmptyCells() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1") + "\n,,,,,,,,,,,,,,,,\n\n");

        final FileReport report = files.check(csv);

        assertThat(report.events()).isEqualTo(1);
        assertThat(report.isClean()).isTrue();
    }

    @Test
    void shouldRefuseAQuotedCellNeverClosed() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1") + "\n" + row("ks-2", "1").replace("OLED", "\"OLED"));

        final FileReport report = files.check(csv);

        assertThat(report.unreadable()).isTrue();
        assertThat(report.errors()).last().extracting(FileReport.LineError::line).isEqualTo(3);
    }

    @Test
    void shouldSendNothingFromAFileWithABadRow() throws IOException {
        final Path csv = write("office.csv", HEADER + "\n" + row("ks-1", "1") + "\n" + row("ks-2", "-1") + "\n");
        final RecordingDelivery target = new RecordingDelivery();

        files.publish(csv, FileFormat.CSV, target, FilePublisher.Options.defaults(), ProgressListener.none());

        assertThat(target.sent).isEmpty();
    }

    private List<LedgerEvent> published(final Path file) throws IOException {
        final RecordingDelivery target = new RecordingDelivery();
        final FileReport report = files.publish(file, FileFormat.of(file), target, FilePublisher.Options.defaults(),
                ProgressListener.none());
        assertThat(report.errors()).as("errors in %s", file).isEmpty();
        return target.sent;
    }

    static String row(final String eventId, final String amount) {
        return eventId + ",SIGNING,2022-02-10T09:30:00+08:00,kunshan,displays,P-" + eventId + ",OLED line,"
                + "华信显示,strategic-emerging," + amount + ",CNY,,,,,,";
    }

    private Path write(final String name, final String content) throws IOException {
        final Path file = dir.resolve(name);
        Files.writeString(file, content, StandardCharsets.UTF_8);
        return file;
    }
}
