package org.cityledger.producers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Violation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The publisher's refusal and error paths only; what reaches a real broker is tested against one
 * elsewhere. MockProducer is held back (no auto-complete) so each test decides how sends end.
 */
class LedgerPublisherTest {

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final LedgerPublisher publisher = new LedgerPublisher(producer);

    @AfterEach
    void closeQuietlyWhenATestLeftFailuresOnPurpose() {
        try {
            publisher.close();
        } catch (final PublishException expected) {
            // a test that checks one error path may leave another unreported; that is not under test here
        }
    }

    @Test
    void shouldRefuseAnInvalidEventWithItsViolations() {
        assertThatThrownBy(() -> publisher.publish(event("e-1").district("atlantis").build()))
                .isInstanceOfSatisfying(IngestException.class, e -> assertThat(e.violations())
                        .containsExactly(new Violation("district", "unknown district 'atlantis'")));
    }

    @Test
    void shouldSendNothingWhenAnEventIsRefused() {
        try {
            publisher.publish(event("e-1").amount(Amount.of("10.005", "CNY")).build());
        } catch (final IngestException expected) {
            // the refusal itself is another test's subject
        }

        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldSendNoneOfABatchThatHoldsAnInvalidEvent() {
        final List<LedgerEvent> batch = List.of(event("e-1").build(), event("e-2").sector(null).build());

        assertThatThrownBy(() -> publisher.publishAll(batch, ProgressListener.none()))
                .isInstanceOf(IngestException.class)
                .hasMessageContaining("event 2 of 2 (e-2)");
        assertThat(producer.history()).isEmpty();
    }

    @Test
    void shouldFailTheFutureOfASendThatFailed() {
        final CompletableFuture<RecordMetadata> sent = publisher.publish(event("e-1").build());

        producer.errorNext(new KafkaException("broker gone"));

        assertThat(sent).isCompletedExceptionally();
        assertThatThrownBy(sent::join).hasRootCauseMessage("broker gone");
    }

    @Test
    void shouldThrowFromFlushWhenASendFailed() {
        publisher.publish(event("e-1").build());
        publisher.publish(event("e-2").build());
        producer.errorNext(new KafkaException("broker gone"));

        assertThatThrownBy(publisher::flush)
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.failedCount()).isEqualTo(1))
                .hasCauseInstanceOf(KafkaException.class)
                .hasMessageContaining("broker gone");
    }

    @Test
    void shouldReportASendFailureToOneFlushOnly() {
        publisher.publish(event("e-1").build());
        producer.errorNext(new KafkaException("broker gone"));
        try {
            publisher.flush();
        } catch (final PublishException expected) {
            // the first flush reports it
        }

        assertThatCode(publisher::flush).doesNotThrowAnyException();
    }

    @Test
    void shouldSurfaceAnErrorThatSendThrows() {
        producer.sendException = new KafkaException("metadata not available");
        publisher.publish(event("e-1").build());

        assertThatThrownBy(publisher::flush)
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("metadata not available");
    }

    @Test
    void shouldThrowFromPublishAllWhenASendFailed() {
        producer.sendException = new KafkaException("metadata not available");

        assertThatThrownBy(() -> publisher.publishAll(List.of(event("e-1").build(), event("e-2").build()),
                ProgressListener.none()))
                .isInstanceOfSatisfying(PublishException.class, e -> assertThat(e.failedCount()).isEqualTo(2));
    }

    @Test
    void shouldThrowFromCloseWhenAFailureWasNeverFlushed() {
        publisher.publish(event("e-1").build());
        producer.errorNext(new KafkaException("broker gone"));

        assertThatThrownBy(publisher::close).isInstanceOf(PublishException.class);
    }

    @Test
    void shouldConfigureIdempotentDelivery() {
        final Properties config = LedgerPublisher.producerConfig("localhost:9092", new Properties());

        assertThat(config).containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true")
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all");
    }

    @Test
    void shouldCompressWithLz4() {
        final Properties config = LedgerPublisher.producerConfig("localhost:9092", new Properties());

        assertThat(config).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    }

    @Test
    void shouldKeepExtraSettings() {
        final Properties extra = new Properties();
        extra.put(ProducerConfig.CLIENT_ID_CONFIG, "kunshan-office");

        assertThat(LedgerPublisher.producerConfig("localhost:9092", extra))
                .containsEntry(ProducerConfig.CLIENT_ID_CONFIG, "kunshan-office");
    }

    @Test
    void shouldRefuseExtraSettingsThatWeakenDelivery() {
        final Properties extra = new Properties();
        extra.put(ProducerConfig.ACKS_CONFIG, "1");

        assertThatThrownBy(() -> LedgerPublisher.producerConfig("localhost:9092", extra))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(ProducerConfig.ACKS_CONFIG);
    }

    private static LedgerEvent.Builder event(final String eventId) {
        return LedgerEvent.builder(EventKind.SIGNING).eventId(eventId)
                .occurredAt(Instant.parse("2022-02-10T01:30:00Z")).district("kunshan").sector("displays")
                .project(new ProjectRef("prj-kunshan-001", "OLED display module line",
                        "Huaxin Display Technology (Kunshan) Co., Ltd.", "strategic-emerging"))
                .amount(Amount.of("1500000000.00", "CNY"));
    }
}
