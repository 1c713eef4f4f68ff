package org.cityledger.streams.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.Topics;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.query.Verdict;
import org.junit.jupiter.api.Test;

class IngestServiceTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Office KUNSHAN = new Office("kunshan", "abc");
    private final IngestJson json = new IngestJson(Clock.fixed(Instant.parse("2022-03-01T00:00:00Z"), ZoneOffset.UTC));
    private final List<LedgerEvent> published = new ArrayList<>();
    private final Map<String, String> countedDistricts = new java.util.HashMap<>();
    private final List<Verdict.Outcome> outcomes = new ArrayList<>();

    private final IngestService service = new IngestService(json, event -> {
        published.add(event);
        return CompletableFuture.completedFuture(new RecordMetadata(new TopicPartition(Topics.EVENTS, 2), published.size() - 1, 0, 0L, 0, 0));
    }, (project, eventId) -> Optional.ofNullable(countedDistricts.get(eventId)), (records, wait) -> {
        final List<Verdict> verdicts = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            final var r = records.get(i);
            verdicts.add(new Verdict(r.eventId(), r.project(), r.partition(), r.offset(),
                    i < outcomes.size() ? outcomes.get(i) : Verdict.Outcome.PENDING, null, null));
        }
        return verdicts;
    });

    private JsonNode node(final LedgerEvent event) throws Exception {
        return MAPPER.readTree(json.write(event));
    }

    private static LedgerEvent kunshan(final String id) {
        return TestEvents.signing(id, "kunshan", "displays", "100.00", "CNY");
    }

    @Test
    void shouldPublishOneEventStampedWithTheOffice() throws Exception {
        final IngestService.Receipt receipt = service.publish(KUNSHAN, node(kunshan("k1").toBuilder().source("spoofed").build()),
                Duration.ZERO);

        assertThat(published).singleElement().satisfies(e -> assertThat(e.source()).isEqualTo("office:kunshan"));
        assertThat(receipt.verdicts()).singleElement().satisfies(v -> {
            assertThat(v.partition()).isEqualTo(2);
            assertThat(v.outcome()).isEqualTo(Verdict.Outcome.PENDING);
        });
    }

    @Test
    void shouldAnswerTheVerdictsWhenAskedToWait() throws Exception {
        outcomes.add(Verdict.Outcome.COUNTED);
        outcomes.add(Verdict.Outcome.DUPLICATE);
        final ArrayNode batch = MAPPER.createArrayNode().add(node(kunshan("k1"))).add(node(kunshan("k2")));

        final IngestService.Receipt receipt = service.publish(KUNSHAN, batch, Duration.ofSeconds(5));

        assertThat(receipt.verdicts()).extracting(Verdict::outcome).containsExactly(Verdict.Outcome.COUNTED, Verdict.Outcome.DUPLICATE);
        assertThat(receipt.allDecided()).isTrue();
    }

    @Test
    void shouldRefuseTheWholeBatchWhenOneEventIsInvalidAndPublishNothing() throws Exception {
        final ObjectNode bad = (ObjectNode) node(kunshan("k2"));
        ((ObjectNode) bad.get("amount")).put("value", "-5.00");
        final ArrayNode batch = MAPPER.createArrayNode().add(node(kunshan("k1"))).add(bad);

        assertThatThrownBy(() -> service.publish(KUNSHAN, batch, Duration.ZERO))
                .isInstanceOfSatisfying(IngestRefusedException.class, e -> {
                    assertThat(e.kind()).isEqualTo(IngestRefusedException.Kind.INVALID);
                    assertThat(e.problems()).containsExactly(new IngestRefusedException.Problem(1, "k2", "amount.value", "must not be negative"));
                    assertThat(e).hasMessage("1 of 2 events are invalid, so none was published");
                });
        assertThat(published).isEmpty();
    }

    @Test
    void shouldRefuseAnEventOfAnotherDistrictNamingBoth() {
        assertThatThrownBy(() -> service.publish(KUNSHAN, node(TestEvents.signing("w1", "wujiang", "5g", "1.00", "CNY")), Duration.ZERO))
                .isInstanceOfSatisfying(IngestRefusedException.class, e -> assertThat(e.kind()).isEqualTo(IngestRefusedException.Kind.FORBIDDEN))
                .hasMessageContaining("'kunshan'").hasMessageContaining("'wujiang'");
        assertThat(published).isEmpty();
    }

    @Test
    void shouldRefuseACorrectionOfAnotherDistrictsEvent() {
        countedDistricts.put("w1", "wujiang");
        final LedgerEvent fix = kunshan("k9").toBuilder().corrects("w1").build();

        assertThatThrownBy(() -> service.publish(KUNSHAN, node(fix), Duration.ZERO))
                .isInstanceOfSatisfying(IngestRefusedException.class, e -> assertThat(e.kind()).isEqualTo(IngestRefusedException.Kind.FORBIDDEN))
                .hasMessageContaining("'w1'").hasMessageContaining("'wujiang'");
        assertThat(published).isEmpty();
    }

    @Test
    void shouldLeaveACorrectionOfAnUnknownEventToTheLedgersVerdict() throws Exception {
        service.publish(KUNSHAN, node(kunshan("k9").toBuilder().corrects("nobody-knows").build()), Duration.ZERO);

        assertThat(published).hasSize(1);
    }

    @Test
    void shouldRefuseMoreThanAThousandEvents() throws Exception {
        final ArrayNode batch = MAPPER.createArrayNode();
        for (int i = 0; i <= IngestService.MAX_EVENTS; i++) {
            batch.add(node(kunshan("k" + i)));
        }

        assertThatThrownBy(() -> service.publish(KUNSHAN, batch, Duration.ZERO))
                .isInstanceOfSatisfying(IngestRefusedException.class, e -> assertThat(e.kind()).isEqualTo(IngestRefusedException.Kind.TOO_LARGE))
                .hasMessageContaining("at most 1000 events");
        assertThat(published).isEmpty();
    }

    @Test
    void shouldRefuseABodyThatIsNeitherAnEventNorABatch() {
        assertThatThrownBy(() -> service.publish(KUNSHAN, MAPPER.getNodeFactory().textNode("hello"), Duration.ZERO))
                .isInstanceOfSatisfying(IngestRefusedException.class, e -> assertThat(e.kind()).isEqualTo(IngestRefusedException.Kind.MALFORMED));
    }
}
