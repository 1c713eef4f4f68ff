package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Violation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiDeliveryTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String TOKEN = "ks-office-secret-7f3a";

    private final IngestJson json = new IngestJson(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final FilePublisher files = new FilePublisher(json);
    private final List<Duration> pauses = Collections.synchronizedList(new ArrayList<>());
    private final FakeLedger ledger;

    @TempDir
    private Path dir;

    ApiDeliveryTest() throws IOException {
        ledger = new FakeLedger();
    }

    @AfterEach
    void stopLedger() {
        ledger.close();
    }

    @Test
    void shouldSendTheFileInBatchesOfTheGivenSize() throws IOException {
        ledger.onEvents(request -> answerAll(request, "counted"));

        publish(write(5), 2);

        assertThat(ledger.requests("/api/events")).extracting(request -> array(request.body()).size())
                .containsExactlyInAnyOrder(2, 2, 1);
    }

    @Test
    void shouldSendTheTokenAsABearerCredential() throws IOException {
        ledger.onEvents(request -> answerAll(request, "counted"));

        publish(write(1), 500);

        assertThat(ledger.requests("/api/events")).singleElement().satisfies(request -> {
            assertThat(request.authorization()).isEqualTo("Bearer " + TOKEN);
            assertThat(request.contentType()).isEqualTo("application/json");
            assertThat(request.query()).isEqualTo("wait=PT10S");
        });
    }

    @Test
    void shouldLeaveSourceToTheLedger() throws IOException {
        ledger.onEvents(request -> answerAll(request, "counted"));
        final Path file = dir.resolve("office.jsonl");
        Files.writeString(file, json.write(event(1).toBuilder().source("kunshan-office").build()) + "\n");

        publish(file, 500);

        assertThat(array(ledger.requests("/api/events").get(0).body()).get(0).has("source")).isFalse();
    }

    @Test
    void shouldAskForPendingVerdictsUntilTheLedgerDecides() throws IOException {
        final AtomicInteger asked = new AtomicInteger();
        ledger.onEvents(request -> answerAll(request, "pending"))
                .onVerdicts(request -> answerAll(request, asked.incrementAndGet() < 3 ? "pending" : "counted"));

        final FileReport report = publish(write(3), 500);

        assertThat(ledger.requests("/api/verdicts")).hasSize(3);
        assertThat(report.delivery().counted()).isEqualTo(3);
        assertThat(report.delivery().pending()).isZero();
    }

    @Test
    void shouldAskForPendingVerdictsByPartitionAndOffset() throws IOException {
        final AtomicInteger asked = new AtomicInteger();
        ledger.onEvents(request -> answerAll(request, "pending"))
                .onVerdicts(request -> answerAll(request, asked.incrementAndGet() < 2 ? "pending" : "counted"));

        publish(write(1), 500);

        final JsonNode query = array(ledger.requests("/api/verdicts").get(0).body()).get(0);
        assertThat(query.get("eventId").textValue()).isEqualTo("ks-1");
        assertThat(query.get("project").textValue()).isEqualTo("KS-P-1");
        assertThat(query.get("partition").intValue()).isEqualTo(3);
        assertThat(query.get("offset").longValue()).isEqualTo(1000);
    }

    @Test
    void shouldCountFromTheLedgersVerdicts() throws IOException {
        final List<String> verdicts = List.of("counted", "duplicate", "duplicate", "corrected", "rejected");
        ledger.onEvents(request -> {
            final ArrayNode events = MAPPER.createArrayNode();
            for (int i = 0; i < array(request.body()).size(); i++) {
                final ObjectNode event = verdict(array(request.body()).get(i), i, verdicts.get(i));
                if (verdicts.get(i).equals("rejected")) {
                    event.put("reason", "conflicting duplicate");
                }
                events.add(event);
            }
            return FakeLedger.Response.json(200, "{\"events\":" + events + "}");
        });

        final DeliveryReport report = publish(write(5), 500).delivery();

        assertThat(report.counted()).isEqualTo(1);
        assertThat(report.duplicates()).isEqualTo(2);
        assertThat(report.corrected()).isEqualTo(1);
        assertThat(report.rejected()).containsExactly(new DeliveryReport.Rejection(5, "ks-5", "conflicting duplicate"));
    }

    @Test
    void shouldCountAnEventTheLedgerHasNoRecordOfAsUnknown() throws IOException {
        ledger.onEvents(request -> answerAll(request, "unknown"));

        final DeliveryReport report = publish(write(2), 500).delivery();

        assertThat(report.unknown()).isEqualTo(2);
        assertThat(report.failure()).isNull();
    }

    @Test
    void shouldReportLinesTheLedgerRefusedByTheirLineInTheFile() throws IOException {
        ledger.onEvents(request -> FakeLedger.Response.json(422, "{\"error\":\"1 event refused\",\"problems\":"
                + "[{\"index\":1,\"eventId\":\"ks-2\",\"field\":\"amount.value\",\"reason\":\"must not be negative\"}]}"));
        final Path file = dir.resolve("office.jsonl");
        Files.writeString(file, "# kunshan, February\n" + line(1) + "\n\n" + line(2) + "\n", StandardCharsets.UTF_8);

        final DeliveryReport report = publish(file, 500).delivery();

        assertThat(report.refusedByLedger()).containsExactly(new FileReport.LineError(4,
                List.of(new Violation("amount.value", "must not be negative"))));
        assertThat(report.failure().kind()).isEqualTo(DeliveryReport.Failure.Kind.REFUSED);
    }

    @Test
    void shouldSendTheRestOfARefusedBatchAgainWhenSkippingInvalidLines() throws IOException {
        ledger.onEvents(request -> array(request.body()).size() == 3
                ? FakeLedger.Response.json(422, "{\"problems\":[{\"index\":0,\"field\":\"occurredAt\",\"reason\":\"is in the future\"}]}")
                : answerAll(request, "counted"));
        final Path rejects = dir.resolve("rejects.jsonl");

        final FileReport report = files.publish(write(3), FileFormat.JSONL, delivery(), new FilePublisher.Options(500, rejects),
                ProgressListener.none());

        assertThat(report.delivery().counted()).isEqualTo(2);
        assertThat(Files.readString(rejects)).contains("\"line\":1", "occurredAt: is in the future");
    }

    @Test
    void shouldStopAndSayWhenTheLedgerDoesNotKnowTheToken() throws IOException {
        ledger.onEvents(request -> new FakeLedger.Response(401, "{\"error\":\"unknown token\"}",
                Map.of("WWW-Authenticate", "Bearer")));

        final FileReport report = publish(write(3), 1);

        assertThat(report.delivery().failure().kind()).isEqualTo(DeliveryReport.Failure.Kind.UNAUTHORIZED);
        assertThat(report.delivery().failure().message()).contains("HTTP 401", "--token-file").doesNotContain(TOKEN);
        assertThat(report.published()).isZero();
    }

    @Test
    void shouldStopAndSayWhenTheTokenIsAnotherDistricts() throws IOException {
        ledger.onEvents(request -> FakeLedger.Response.json(403,
                "{\"error\":\"token of office 'kunshan' cannot publish events of district 'wujiang'\"}"));

        final DeliveryReport report = publish(write(1), 500).delivery();

        assertThat(report.failure().kind()).isEqualTo(DeliveryReport.Failure.Kind.FORBIDDEN);
        assertThat(report.failure().message())
                .contains("token of office 'kunshan' cannot publish events of district 'wujiang'", "line 1");
    }

    @Test
    void shouldRetryWhileTheLedgerIsRestarting() throws IOException {
        final AtomicInteger calls = new AtomicInteger();
        ledger.onEvents(request -> calls.incrementAndGet() <= 2
                ? new FakeLedger.Response(503, "{\"error\":\"starting\"}", Map.of("Retry-After", "2"))
                : answerAll(request, "counted"));

        final FileReport report = publish(write(2), 500);

        assertThat(report.delivery().counted()).isEqualTo(2);
        assertThat(pauses).containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @Test
    void shouldSplitABatchTheLedgerFindsTooLarge() throws IOException {
        ledger.onEvents(request -> array(request.body()).size() > 2
                ? FakeLedger.Response.json(413, "{\"error\":\"body over 1 MiB\"}")
                : answerAll(request, "counted"));

        final FileReport report = publish(write(4), 500);

        assertThat(report.delivery().counted()).isEqualTo(4);
    }

    private FileReport publish(final Path file, final int batchSize) throws IOException {
        try (ApiDelivery delivery = delivery()) {
            return files.publish(file, FileFormat.JSONL, delivery, new FilePublisher.Options(batchSize, null),
                    ProgressListener.none());
        }
    }

    private ApiDelivery delivery() {
        return new ApiDelivery(new LedgerApiClient(ledger.uri(), TOKEN, 3, pauses::add), json, 2, Duration.ofSeconds(30));
    }

    private Path write(final int events) throws IOException {
        final Path file = dir.resolve("office.jsonl");
        final List<String> lines = new ArrayList<>();
        for (int i = 1; i <= events; i++) {
            lines.add(line(i));
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    private String line(final int n) {
        return json.write(event(n));
    }

    private static LedgerEvent event(final int n) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId("ks-" + n)
                .occurredAt(Instant.parse("2022-02-10T01:30:00Z")).district("kunshan").sector("displays")
                .project(new ProjectRef("KS-P-" + n, "OLED display module line", "华信显示", "strategic-emerging"))
                .amount(Amount.of("1500000000.00", "CNY")).build();
    }

    /** Every event of the request (or query) judged alike, at partition 3 from offset 1000. */
    static FakeLedger.Response answerAll(final FakeLedger.Request request, final String verdict) {
        final ArrayNode events = MAPPER.createArrayNode();
        final JsonNode sent = array(request.body());
        for (int i = 0; i < sent.size(); i++) {
            events.add(verdict(sent.get(i), i, verdict));
        }
        return FakeLedger.Response.json(verdict.equals("pending") ? 202 : 200, "{\"events\":" + events + "}");
    }

    private static ObjectNode verdict(final JsonNode sent, final int index, final String verdict) {
        final String eventId = sent.get("eventId").textValue();
        final ObjectNode event = MAPPER.createObjectNode();
        event.put("index", index);
        event.put("eventId", eventId);
        event.put("project", sent.has("project") && sent.get("project").isObject()
                ? sent.get("project").get("id").textValue() : sent.path("project").asText());
        event.put("partition", 3);
        event.put("offset", 999 + Integer.parseInt(eventId.substring(eventId.indexOf('-') + 1)));
        event.put("verdict", verdict);
        return event;
    }

    static JsonNode array(final String body) {
        try {
            return MAPPER.readTree(body);
        } catch (final IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
