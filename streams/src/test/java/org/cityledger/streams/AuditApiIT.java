package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.schema.Topics;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What auditors read on a real node: every total explained by exactly the events that make it up,
 * now and as of an instant, paged across all partitions; a project's whole story in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2022-01-01T00:00:00Z");
    private static final Instant MIDDLE = Instant.parse("2022-04-15T12:00:00Z");

    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir).withHttpPort(0)).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        final List<LedgerEvent> history = history(new Random(20221));
        history.addAll(story());
        final Map<Integer, Long> written = TopicWriter.publish(broker.bootstrapServers(), history);
        // every partition, not just one: partitions are judged independently, and a total compared
        // with its explanation must not move between the two questions
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> committedThrough(written));
    }

    /** Every partition's last commit includes its last written record. */
    private boolean committedThrough(final Map<Integer, Long> written) throws Exception {
        final JsonNode partitions = JSON.readTree(get("/api/audit/partitions").body()).get("partitions");
        for (final JsonNode partition : partitions) {
            final Long last = written.get(partition.get("partition").asInt());
            if (last != null && (partition.get("committedOffset").isNull() || partition.get("committedOffset").asLong() < last)) {
                return false;
            }
        }
        return partitions.size() == Topics.DEFAULT_PARTITIONS;
    }

    @AfterAll
    void stop() {
        node.close();
        broker.close();
    }

    /** A history over half a year: many districts, sectors and kinds, re-deliveries and corrections. */
    private static List<LedgerEvent> history(final Random random) {
        final List<LedgerEvent> events = new ArrayList<>();
        final List<LedgerEvent> counted = new ArrayList<>();
        for (int i = 0; i < 1_500; i++) {
            final int roll = random.nextInt(100);
            if (roll < 5 && !counted.isEmpty()) {
                events.add(counted.get(random.nextInt(counted.size())));
                continue;
            }
            if (roll < 10 && !counted.isEmpty()) {
                final LedgerEvent target = counted.remove(random.nextInt(counted.size()));
                final LedgerEvent fix = target.toBuilder().eventId("fix-" + i)
                        .district(Reference.DISTRICTS.get(random.nextInt(10)).code())
                        .amount(new Amount(target.amount().value().add(BigDecimal.ONE), target.amount().currency()))
                        .corrects(target.eventId()).build();
                events.add(fix);
                counted.add(fix);
                continue;
            }
            final EventKind kind = EventKind.values()[random.nextInt(3)];
            final BigDecimal value = BigDecimal.valueOf(100 + random.nextInt(10_000), 2).multiply(BigDecimal.TEN);
            final String currency = random.nextInt(10) == 0 ? "USD" : "CNY";
            final LedgerEvent.Builder event = LedgerEvent.builder(kind).eventId("ev-" + i)
                    .occurredAt(START.plus(Duration.ofHours(random.nextInt(24 * 180))))
                    .district(Reference.DISTRICTS.get(random.nextInt(10)).code())
                    .sector(Reference.SECTORS.get(random.nextInt(8)).code())
                    .project(new ProjectRef("P-" + random.nextInt(400), "Project", "Company", "advanced-manufacturing"))
                    .amount(new Amount(value, currency));
            if (kind == EventKind.GROUNDBREAKING) {
                event.plannedWithinYear(new Amount(value.divide(BigDecimal.valueOf(2)), currency));
            } else if (kind == EventKind.FUNDING) {
                event.program("fiscal-support").matching(new Amount(value.add(BigDecimal.ONE), currency));
            }
            events.add(event.build());
            counted.add(events.get(events.size() - 1));
        }
        return events;
    }

    /** Project STORY: an event, re-delivered, corrected, its correction corrected, a conflicting re-use of an id. */
    private static List<LedgerEvent> story() {
        final LedgerEvent first = LedgerEvent.builder(EventKind.SIGNING).eventId("s-1").occurredAt(Instant.parse("2022-03-01T00:00:00Z"))
                .district("kunshan").sector("displays").project(new ProjectRef("STORY", "Panel line", "Panel Co", "strategic-emerging"))
                .amount(Amount.of("100.00", "CNY")).build();
        final LedgerEvent fix1 = first.toBuilder().eventId("s-fix-1").occurredAt(Instant.parse("2022-03-02T00:00:00Z"))
                .amount(Amount.of("90.00", "CNY")).corrects("s-1").build();
        final LedgerEvent fix2 = first.toBuilder().eventId("s-fix-2").occurredAt(Instant.parse("2022-03-03T00:00:00Z"))
                .amount(Amount.of("95.00", "CNY")).corrects("s-fix-1").build();
        final LedgerEvent conflicting = fix1.toBuilder().amount(Amount.of("1.00", "CNY")).build();
        return new ArrayList<>(List.of(first, first, fix1, fix2, first, conflicting));
    }

    @Test
    void shouldTellAProjectsWholeStoryInOrderWithEveryVerdict() throws Exception {
        final JsonNode story = JSON.readTree(get("/api/projects/STORY").body());

        final List<String> lines = new ArrayList<>();
        story.get("history").forEach(e -> lines.add(e.get("eventId").asText() + " " + e.get("verdict").asText()
                + (e.has("corrects") ? " corrects " + e.get("corrects").asText() : "")
                + (e.has("correctedBy") ? " correctedBy " + e.get("correctedBy").asText() : "")
                + (e.has("reason") ? " (" + e.get("reason").asText() + ")" : "") + " counts=" + e.get("counts").asBoolean()));
        assertThat(lines).containsExactly(
                "s-1 counted correctedBy s-fix-1 counts=false",
                "s-1 duplicate counts=false",
                "s-1 duplicate counts=false",
                "s-fix-1 corrected corrects s-1 correctedBy s-fix-2 counts=false",
                "s-fix-1 rejected (conflicting duplicate) counts=false",
                "s-fix-2 corrected corrects s-fix-1 counts=true");
        assertThat(story.get("current")).singleElement().satisfies(c -> assertThat(c.get("amount").asText()).isEqualTo("95.00"));
        assertThat(story.get("history").get(0).get("publisher").isNull()).isTrue();
        assertThat(story.get("history").get(0).get("offset").asLong()).isNotNegative();
    }

    @Test
    void shouldExplainTheSummaryNowAndAsOf() throws Exception {
        assertExplained("/api/totals/summary", "");
        assertExplained("/api/totals/summary", "&asOf=" + encode(MIDDLE.toString()));
    }

    @Test
    void shouldExplainADistrictNowAndAsOf() throws Exception {
        assertExplained("/api/totals/districts/kunshan", "");
        assertExplained("/api/totals/districts/kunshan", "&asOf=" + encode(MIDDLE.toString()));
    }

    @Test
    void shouldExplainASectorNowAndAsOf() throws Exception {
        assertExplained("/api/totals/sectors/5g", "");
        assertExplained("/api/totals/sectors/5g", "&asOf=" + encode(MIDDLE.toString()));
    }

    @Test
    void shouldExplainACellNowAndAsOf() throws Exception {
        assertExplained("/api/totals/districts/sip/sectors/semiconductors", "");
        assertExplained("/api/totals/districts/sip/sectors/semiconductors", "&asOf=" + encode(MIDDLE.toString()));
    }

    @Test
    void shouldListEventsOfOneKindInOrderOfOccurrence() throws Exception {
        final JsonNode page = JSON.readTree(get("/api/events?type=FUNDING&limit=50").body());

        final List<String> times = new ArrayList<>();
        page.get("events").forEach(e -> {
            assertThat(e.get("kind").asText()).isEqualTo("FUNDING");
            times.add(e.get("occurredAt").asText());
        });
        assertThat(times).hasSize(50).isSorted();
        assertThat(page.get("nextCursor").isNull()).isFalse();
    }

    /** Adds up every listed event of the explanation, page by page, and compares with the total. */
    private void assertExplained(final String total, final String query) throws Exception {
        final JsonNode expected = JSON.readTree(get(total + "?x=1" + query).body());
        final Map<String, BigDecimal> figures = new TreeMap<>();
        String next = total + "?explain=true" + query;
        int pages = 0;
        while (next != null) {
            final HttpResponse<String> response = get(next);
            assertThat(response.statusCode()).as(next + ": " + response.body()).isEqualTo(200);
            final JsonNode page = JSON.readTree(response.body());
            for (final JsonNode event : page.get("events")) {
                final String kind = event.get("kind").asText().toLowerCase(Locale.ROOT);
                final String currency = event.get("currency").asText();
                figures.merge(kind + ".count", BigDecimal.ONE, BigDecimal::add);
                figures.merge(kind + ".amounts." + currency, new BigDecimal(event.get("amount").asText()), BigDecimal::add);
                final String extra = kind.equals("groundbreaking") ? "plannedWithinYear" : kind.equals("funding") ? "matching" : null;
                if (extra != null && event.hasNonNull(extra)) {
                    figures.merge(kind + "." + extra + "." + currency, new BigDecimal(event.get(extra).asText()), BigDecimal::add);
                }
            }
            pages++;
            final String cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
            next = cursor == null ? null : response.uri().getPath() + "?" + response.uri().getRawQuery().replaceAll("&cursor=[^&]*", "")
                    + "&cursor=" + cursor;
        }
        final Map<String, BigDecimal> totals = new TreeMap<>();
        for (final String kind : List.of("signing", "groundbreaking", "funding")) {
            final JsonNode k = expected.get(kind);
            if (k.get("count").asLong() > 0) {
                totals.put(kind + ".count", BigDecimal.valueOf(k.get("count").asLong()));
            }
            k.get("amounts").properties().forEach(e -> totals.put(kind + ".amounts." + e.getKey(), new BigDecimal(e.getValue().asText())));
            for (final String extra : List.of("plannedWithinYear", "matching")) {
                if (k.has(extra)) {
                    k.get(extra).properties().forEach(e -> totals.put(kind + "." + extra + "." + e.getKey(),
                            new BigDecimal(e.getValue().asText())));
                }
            }
        }
        assertThat(pages).as("pages read").isGreaterThanOrEqualTo(1);
        assertThat(normalized(figures)).as(total + query).isEqualTo(normalized(totals));
    }

    private static Map<String, String> normalized(final Map<String, BigDecimal> figures) {
        final Map<String, String> out = new TreeMap<>();
        figures.forEach((k, v) -> {
            if (v.signum() != 0) {
                out.put(k, v.stripTrailingZeros().toPlainString());
            }
        });
        return out;
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.httpPort() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
