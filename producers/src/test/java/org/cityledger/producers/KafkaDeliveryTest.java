package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaDeliveryTest {

    private final IngestJson json = new IngestJson(Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    private final LedgerPublisher publisher = new LedgerPublisher(producer);
    private final FakeLedger ledger;

    @TempDir
    private Path dir;

    KafkaDeliveryTest() throws IOException {
        ledger = new FakeLedger();
    }

    @AfterEach
    void stop() {
        publisher.close();
        ledger.close();
    }

    @Test
    void shouldAskTheLedgerForTheVerdictsOfWhatTheBrokerAcknowledged() throws IOException {
        ledger.onVerdicts(request -> ApiDeliveryTest.answerAll(request, "counted"));

        final FileReport report = publish(new LedgerApiClient(ledger.uri(), null, 1, duration -> { }));

        // the poller asks as acknowledgements arrive, so the questions may come in one request or several
        final List<JsonNode> asked = new ArrayList<>();
        ledger.requests("/api/verdicts").forEach(request -> ApiDeliveryTest.array(request.body()).forEach(asked::add));
        assertThat(asked).extracting(query -> query.get("eventId").textValue()).containsExactly("ks-1", "ks-2");
        assertThat(asked).extracting(query -> query.get("offset").longValue()).containsExactly(0L, 1L);
        assertThat(report.delivery().counted()).isEqualTo(2);
    }

    @Test
    void shouldPublishButCallTheVerdictsUnknownWhenTheLedgerCannotBeReached() throws IOException {
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        final FileReport report = publish(new LedgerApiClient(URI.create("http://127.0.0.1:" + closedPort), null, 1,
                duration -> { }));

        assertThat(producer.history()).hasSize(2);
        assertThat(report.delivery().unknown()).isEqualTo(2);
        assertThat(report.delivery().unknownReason()).contains("could not reach the ledger at http://127.0.0.1:" + closedPort);
        assertThat(report.delivery().failure()).isNull();
    }

    @Test
    void shouldStopSendingAndSayWhyWhenTheBrokerFails() throws IOException {
        producer.sendException = new KafkaException("metadata not available");

        final FileReport report = publish(new LedgerApiClient(ledger.uri(), null, 1, duration -> { }));

        assertThat(report.delivery().failure().kind()).isEqualTo(DeliveryReport.Failure.Kind.UNREACHABLE);
        assertThat(report.delivery().failure().message())
                .contains("line 1", "not published to localhost:9092", "metadata not available");
        assertThat(report.published()).isZero();
    }

    private FileReport publish(final LedgerApiClient verdicts) throws IOException {
        final Path file = dir.resolve("office.jsonl");
        Files.write(file, List.of(json.write(event(1)), json.write(event(2))), StandardCharsets.UTF_8);
        final KafkaDelivery delivery = new KafkaDelivery(publisher, "localhost:9092", verdicts, 500, Duration.ofSeconds(30));
        return new FilePublisher(json).publish(file, FileFormat.JSONL, delivery, FilePublisher.Options.defaults(),
                ProgressListener.none());
    }

    private static LedgerEvent event(final int n) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId("ks-" + n)
                .occurredAt(Instant.parse("2022-02-10T01:30:00Z")).district("kunshan").sector("displays")
                .project(new ProjectRef("KS-P-1", "OLED display module line", "华信显示", "strategic-emerging"))
                .amount(Amount.of("1500000000.00", "CNY")).build();
    }
}
