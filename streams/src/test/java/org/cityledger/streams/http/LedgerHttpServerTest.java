package org.cityledger.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.cityledger.domain.EventKind;
import org.cityledger.streams.access.AccessPolicy;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.access.ReadToken;
import org.cityledger.streams.live.LiveHub;
import org.cityledger.streams.live.LiveService;
import org.cityledger.streams.query.Answer;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.query.PartialTotalsSource;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.query.TotalsService;
import org.cityledger.streams.state.DeadLetter;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LedgerHttpServerTest {

    private static final Instant NOW = Instant.parse("2022-03-01T00:00:00Z");
    private static final Duration HORIZON = Duration.ofDays(3650);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> JSON_OBJECT = new TypeReference<>() { };

    private final HttpClient client = HttpClient.newHttpClient();
    /** What the fake source was asked. */
    private final List<Ask> asks = new CopyOnWriteArrayList<>();
    /** Where the fake source says its answers came from; replaced by a test. */
    private volatile Provenance provenance = Provenance.of("test:1");
    private final Map<String, Totals> data = ledger(
            new Contribution(EventKind.SIGNING, "kunshan", "displays", "CNY", new BigDecimal("72000000000.0000"), null),
            new Contribution(EventKind.SIGNING, "kunshan", "displays", "USD", new BigDecimal("1800000000.0000"), null),
            new Contribution(EventKind.GROUNDBREAKING, "sip", "semiconductors", "CNY", new BigDecimal("4279000000.0000"),
                    new BigDecimal("1479000000.0000")),
            new Contribution(EventKind.FUNDING, "kunshan", "software", "CNY", new BigDecimal("123920000.5000"),
                    new BigDecimal("103420000.0000")));
    private final byte[] refused = {(byte) 0xC3, 0x01, 0x00, 0x7F, (byte) 0xFF};
    private final List<DeadLetterPage.Item> deadLetters = List.of(
            item(new DeadLetter(1_644_456_600_000L, "unknown district 'atlantis'", "ev-1", "ledger.events", 2, 41, "P-1", refused)),
            item(new DeadLetter(1_644_456_660_000L, "not an Avro single-object encoded record (bad or missing header)", null,
                    "ledger.events", 0, 7, null, "hello".getBytes(StandardCharsets.UTF_8))));

    /** Replaced by a test to make the totals fail. */
    private volatile PartialTotalsSource source = (prefix, ask) -> {
        asks.add(ask);
        return new Answer<>(data.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)), provenance);
    };

    private Javalin app;
    private String base;

    private static DeadLetterPage.Item item(final DeadLetter letter) {
        return new DeadLetterPage.Item(letter.sortKey(), letter);
    }

    private static Map<String, Totals> ledger(final Contribution... contributions) {
        final Map<String, MutableTotals> slices = new HashMap<>();
        for (final Contribution c : contributions) {
            for (final String key : TotalsKey.slices(c.district(), c.sector())) {
                slices.computeIfAbsent(key, k -> new MutableTotals()).apply(c, 1);
            }
        }
        final Map<String, Totals> totals = new ConcurrentHashMap<>();
        slices.forEach((key, mutable) -> totals.put(key, mutable.snapshot()));
        return totals;
    }

    private TotalsService totalsService;
    private DeadLetterService letters;

    @BeforeEach
    void startServer() {
        final TotalsService totals = new TotalsService((prefix, ask) -> source.totals(prefix, ask),
                Clock.fixed(NOW, ZoneOffset.UTC), HORIZON);
        final DeadLetterService letters = new DeadLetterService((before, limit) -> List.of(new DeadLetterPage(deadLetters.size(),
                deadLetters.stream().filter(i -> before == null || i.sortKey().compareTo(before) < 0)
                        .sorted((a, b) -> b.sortKey().compareTo(a.sortKey())).limit(limit).toList())));
        this.totalsService = totals;
        this.letters = letters;
        app = LedgerHttpServer.create(totals, letters);
        app.start(0);
        base = "http://localhost:" + app.port();
    }

    @AfterEach
    void stopServer() {
        if (app != null) {
            app.stop();
        }
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(base + path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(final HttpResponse<String> response) throws IOException {
        return JSON.readTree(response.body());
    }

    private static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // --- totals ---

    @Test
    void shouldAnswerTheSummaryWithAmountsAsTwoDecimalStrings() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        final JsonNode body = json(response);
        assertThat(body.get("signing").get("count").asLong()).isEqualTo(2);
        assertThat(body.get("signing").get("amounts").get("CNY").isTextual()).isTrue();
        assertThat(body.get("signing").get("amounts").get("CNY").asText()).isEqualTo("72000000000.00");
        assertThat(body.get("signing").get("amounts").get("USD").asText()).isEqualTo("1800000000.00");
        assertThat(body.get("funding").get("amounts").get("CNY").asText()).isEqualTo("123920000.50");
        assertThat(body.get("events").asLong()).isEqualTo(4);
    }

    @Test
    void shouldServeNewTotalsOnceTheSnapshotHoldsOthers() throws Exception {
        // the same totals objects are rendered once; a commit brings new objects, and they are served at once
        assertThat(json(get("/api/totals/summary")).get("events").asLong()).isEqualTo(4);
        assertThat(json(get("/api/totals/districts/kunshan")).get("events").asLong()).isEqualTo(3);
        assertThat(kunshanOf(json(get("/api/totals/districts"))).get("events").asLong()).isEqualTo(3);

        data.putAll(ledger(
                new Contribution(EventKind.SIGNING, "kunshan", "displays", "CNY", new BigDecimal("1.0000"), null)));

        assertThat(json(get("/api/totals/summary")).get("events").asLong()).isEqualTo(1);
        assertThat(json(get("/api/totals/districts/kunshan")).get("events").asLong()).isEqualTo(1);
        assertThat(kunshanOf(json(get("/api/totals/districts"))).get("events").asLong()).isEqualTo(1);
        assertThat(json(get("/api/totals/districts/kunshan/sectors/displays")).get("signing").get("amounts").get("CNY").asText())
                .isEqualTo("1.00");
    }

    private static JsonNode kunshanOf(final JsonNode districts) {
        for (final JsonNode district : districts) {
            if ("kunshan".equals(district.get("district").asText())) {
                return district;
            }
        }
        throw new AssertionError("no kunshan in " + districts);
    }

    @Test
    void shouldShapeTheSummaryWithEveryKindAndItsSecondFigure() throws Exception {
        final JsonNode body = json(get("/api/totals/summary"));

        assertThat(fieldNames(body)).containsExactly("signing", "groundbreaking", "funding", "events");
        assertThat(fieldNames(body.get("signing"))).containsExactly("count", "amounts");
        assertThat(fieldNames(body.get("groundbreaking"))).containsExactly("count", "amounts", "plannedWithinYear");
        assertThat(fieldNames(body.get("funding"))).containsExactly("count", "amounts", "matching");
        assertThat(body.get("groundbreaking").get("plannedWithinYear").get("CNY").asText()).isEqualTo("1479000000.00");
        assertThat(body.get("funding").get("matching").get("CNY").asText()).isEqualTo("103420000.00");
    }

    @Test
    void shouldNeverWriteAmountsAsJsonNumbers() throws Exception {
        final JsonNode body = json(get("/api/totals/summary"));
        for (final String kind : List.of("signing", "groundbreaking", "funding")) {
            body.get(kind).properties().forEach(figure -> {
                if (!figure.getKey().equals("count")) {
                    figure.getValue().elements().forEachRemaining(amount -> assertThat(amount.isTextual())
                            .as("%s.%s is a string", kind, figure.getKey()).isTrue());
                }
            });
        }
    }

    @Test
    void shouldAnswerADistrict() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts/kunshan");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = json(response);
        assertThat(body.get("district").asText()).isEqualTo("kunshan");
        assertThat(body.has("sector")).isFalse();
        assertThat(body.get("events").asLong()).isEqualTo(3);
    }

    @Test
    void shouldAnswerACell() throws Exception {
        final JsonNode body = json(get("/api/totals/districts/kunshan/sectors/displays"));

        assertThat(body.get("district").asText()).isEqualTo("kunshan");
        assertThat(body.get("sector").asText()).isEqualTo("displays");
        assertThat(body.get("signing").get("amounts").get("USD").asText()).isEqualTo("1800000000.00");
    }

    @Test
    void shouldListEveryDistrictIncludingEmptyOnes() throws Exception {
        final JsonNode body = json(get("/api/totals/districts"));

        assertThat(body.isArray()).isTrue();
        assertThat(body).hasSize(10);
        assertThat(body.get(0).get("district").asText()).isEqualTo("zhangjiagang");
        assertThat(body.get(0).get("events").asLong()).isZero();
        assertThat(body.get(0).get("signing").get("amounts").isEmpty()).isTrue();
    }

    @Test
    void shouldPassAsOfWithAnOffsetToTheSourceAsAnInstantAndEchoIt() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?asOf=" + encode("2022-02-10T12:00:00+08:00"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(asks).extracting(Ask::asOf).containsExactly(Instant.parse("2022-02-10T04:00:00Z"));
        assertThat(json(response).get("asOf").asText()).isEqualTo("2022-02-10T04:00:00Z");
    }

    @Test
    void shouldAcceptAsOfAsAUtcInstant() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts/kunshan?asOf=2022-02-10T04:00:00Z");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(asks).extracting(Ask::asOf).containsExactly(Instant.parse("2022-02-10T04:00:00Z"));
    }

    @Test
    void shouldNotEchoAsOfWhenAbsent() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary");

        assertThat(json(response).has("asOf")).isFalse();
        assertThat(asks).extracting(Ask::asOf).containsExactly((Instant) null);
    }

    @Test
    void shouldRefuseAnUnreadableAsOf() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?asOf=yesterday");

        assertThat(response.statusCode()).isEqualTo(400);
        final JsonNode body = json(response);
        assertThat(body.get("error").asText())
                .isEqualTo("asOf: must be an ISO-8601 instant such as 2022-02-10T12:00:00+08:00, got 'yesterday'");
        assertThat(body.get("field").asText()).isEqualTo("asOf");
        assertThat(asks).isEmpty();
    }

    @Test
    void shouldAnswer422ForAsOfBeyondTheHorizon() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?asOf=2000-01-01T00:00:00Z");

        assertThat(response.statusCode()).isEqualTo(422);
        final JsonNode body = json(response);
        assertThat(body.get("error").asText()).contains("reach back to 2012-03-03T00:00:00Z");
        assertThat(body.get("field").asText()).isEqualTo("asOf");
    }

    @Test
    void shouldAnswer404ForAnUnknownDistrict() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts/atlantis");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readValue(response.body(), JSON_OBJECT))
                .isEqualTo(Map.of("error", "unknown district 'atlantis'", "field", "district", "code", "atlantis"));
    }

    @Test
    void shouldAnswer404ForAnUnknownSectorOfACell() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts/kunshan/sectors/mining");

        assertThat(response.statusCode()).isEqualTo(404);
        final JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo("sector");
        assertThat(body.get("code").asText()).isEqualTo("mining");
    }

    @Test
    void shouldAnswer503WithRetryAfterWhileTheLedgerIsUnavailable() throws Exception {
        source = (prefix, ask) -> {
            throw new QueryUnavailableException("partition 3 is not available");
        };

        final HttpResponse<String> response = get("/api/totals/summary");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(json(response).get("error").asText()).isEqualTo("partition 3 is not available");
    }

    @Test
    void shouldAnswer404WithJsonForAnUnknownPath() throws Exception {
        final HttpResponse<String> response = get("/api/nothing-here");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        assertThat(JSON.readValue(response.body(), JSON_OBJECT)).isEqualTo(Map.of("error", "no such resource: /api/nothing-here"));
    }

    @Test
    void shouldAnswer404WithTheSameJsonForAnUnknownPathWhenTheClientAcceptsJson() throws Exception {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/nothing-here"))
                .header("Accept", "application/json").GET().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(JSON.readValue(response.body(), JSON_OBJECT)).isEqualTo(Map.of("error", "no such resource: /api/nothing-here"));
    }

    @Test
    void shouldAnswer500WithJsonForAnUnexpectedError() throws Exception {
        source = (prefix, ask) -> {
            throw new IllegalStateException("boom");
        };

        final HttpResponse<String> response = get("/api/totals/summary");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(json(response).get("error").asText()).isEqualTo("internal error: IllegalStateException");
    }

    // --- max lag ---

    @Test
    void shouldPassMaxLagToTheSource() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?maxLag=5");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(asks).containsExactly(new Ask(null, 5L));
    }

    @Test
    void shouldPassNoMaxLagWhenAbsent() throws Exception {
        get("/api/totals/districts/kunshan");

        assertThat(asks).extracting(Ask::maxLag).containsExactly((Long) null);
    }

    @Test
    void shouldPassAsOfAndMaxLagTogether() throws Exception {
        get("/api/totals/sectors?asOf=2022-02-10T04:00:00Z&maxLag=0");

        assertThat(asks).containsExactly(new Ask(Instant.parse("2022-02-10T04:00:00Z"), 0L));
    }

    @Test
    void shouldRefuseANegativeMaxLag() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?maxLag=-1");

        assertThat(response.statusCode()).isEqualTo(400);
        final JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo("maxLag");
        assertThat(body.get("error").asText()).isEqualTo("maxLag: must not be negative, got -1");
        assertThat(asks).isEmpty();
    }

    @Test
    void shouldRefuseANonNumericMaxLag() throws Exception {
        final HttpResponse<String> response = get("/api/totals/summary?maxLag=x");

        assertThat(response.statusCode()).isEqualTo(400);
        final JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo("maxLag");
        assertThat(body.get("error").asText()).isEqualTo("maxLag: must be a whole number of offsets, got 'x'");
        assertThat(asks).isEmpty();
    }

    // --- provenance ---

    @Test
    void shouldSayWhichInstancesAnsweredHowStaleAndHowFarBehind() throws Exception {
        provenance = new Provenance(Set.of("a:1", "b:2"), true, 7);

        final HttpResponse<String> response = get("/api/totals/summary?maxLag=10");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-Ledger-Instance")).hasValue("a:1,b:2");
        assertThat(response.headers().firstValue("X-Ledger-Lag")).hasValue("7");
        assertThat(response.headers().firstValue("X-Ledger-Stale")).hasValue("true");
    }

    @Test
    void shouldListTheAnsweringInstancesSortedWhateverOrderTheyCameIn() throws Exception {
        provenance = new Provenance(new LinkedHashSet<>(List.of("b:2", "c:3", "a:1")), false, 0);

        final HttpResponse<String> response = get("/api/totals/districts");

        assertThat(response.headers().firstValue("X-Ledger-Instance")).hasValue("a:1,b:2,c:3");
    }

    @Test
    void shouldSayAnAnswerFromActiveCopiesIsNotStale() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts/kunshan");

        assertThat(response.headers().firstValue("X-Ledger-Instance")).hasValue("test:1");
        assertThat(response.headers().firstValue("X-Ledger-Lag")).hasValue("0");
        assertThat(response.headers().firstValue("X-Ledger-Stale")).hasValue("false");
    }

    @Test
    void shouldSetTheProvenanceHeadersOnListsAndTheCheck() throws Exception {
        provenance = new Provenance(Set.of("a:1", "b:2"), true, 7);

        for (final String path : List.of("/api/totals/districts", "/api/totals/sectors", "/api/totals/check")) {
            final HttpResponse<String> response = get(path);
            assertThat(response.headers().firstValue("X-Ledger-Instance")).as(path).hasValue("a:1,b:2");
            assertThat(response.headers().firstValue("X-Ledger-Lag")).as(path).hasValue("7");
            assertThat(response.headers().firstValue("X-Ledger-Stale")).as(path).hasValue("true");
        }
    }

    // --- paging the lists ---

    @Test
    void shouldServeOnlyTheFirstLimitDistrictsWithTheNextCursor() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts?limit=4");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(districtCodes(json(response))).containsExactly("zhangjiagang", "changshu", "taicang", "kunshan");
        assertThat(response.headers().firstValue("X-Next-Cursor")).isPresent();
    }

    @Test
    void shouldWalkEveryDistrictOnceByFollowingTheNextCursor() throws Exception {
        final List<String> walked = new ArrayList<>();
        final List<Integer> pageSizes = new ArrayList<>();
        HttpResponse<String> page = get("/api/totals/districts?limit=4");
        walked.addAll(districtCodes(json(page)));
        pageSizes.add(json(page).size());
        for (int followed = 0; followed < 2; followed++) {
            final String cursor = page.headers().firstValue("X-Next-Cursor").orElseThrow();
            page = get("/api/totals/districts?limit=4&cursor=" + encode(cursor));
            assertThat(page.statusCode()).isEqualTo(200);
            walked.addAll(districtCodes(json(page)));
            pageSizes.add(json(page).size());
        }

        assertThat(pageSizes).containsExactly(4, 4, 2);
        assertThat(walked).containsExactly("zhangjiagang", "changshu", "taicang", "kunshan", "wujiang", "wuzhong",
                "xiangcheng", "gusu", "sip", "snd");
        assertThat(page.headers().firstValue("X-Next-Cursor")).isEmpty();
    }

    @Test
    void shouldGiveNoNextCursorWhenTheLastPageIsExactlyFull() throws Exception {
        final HttpResponse<String> first = get("/api/totals/districts?limit=5");
        final HttpResponse<String> second = get("/api/totals/districts?limit=5&cursor="
                + encode(first.headers().firstValue("X-Next-Cursor").orElseThrow()));

        assertThat(districtCodes(json(second))).containsExactly("wuzhong", "xiangcheng", "gusu", "sip", "snd");
        assertThat(second.headers().firstValue("X-Next-Cursor")).isEmpty();
    }

    @Test
    void shouldServeEveryDistrictWithoutACursorWhenNoLimitIsAsked() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts");

        assertThat(json(response)).hasSize(10);
        assertThat(response.headers().firstValue("X-Next-Cursor")).isEmpty();
    }

    @Test
    void shouldPageTheSectorsToo() throws Exception {
        final HttpResponse<String> first = get("/api/totals/sectors?limit=6");
        final HttpResponse<String> second = get("/api/totals/sectors?limit=6&cursor="
                + encode(first.headers().firstValue("X-Next-Cursor").orElseThrow()));

        assertThat(json(first)).hasSize(6);
        assertThat(json(second)).extracting(node -> node.get("sector").asText())
                .containsExactly("automotive-electronics", "software");
        assertThat(second.headers().firstValue("X-Next-Cursor")).isEmpty();
    }

    @Test
    void shouldRefuseAGarbageCursorOfTheDistricts() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts?limit=4&cursor=" + encode("not a cursor!"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("cursor");
    }

    @Test
    void shouldRefuseACursorNamingNoDistrict() throws Exception {
        final String atlantis = Base64.getUrlEncoder().withoutPadding().encodeToString("atlantis".getBytes(StandardCharsets.UTF_8));

        final HttpResponse<String> response = get("/api/totals/districts?limit=4&cursor=" + atlantis);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("cursor");
    }

    @Test
    void shouldRefuseALimitBelowOneForTheDistricts() throws Exception {
        final HttpResponse<String> response = get("/api/totals/districts?limit=0");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void shouldRefuseANonNumericLimitForTheSectors() throws Exception {
        final HttpResponse<String> response = get("/api/totals/sectors?limit=many");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("limit");
    }

    // --- invariant ---

    @Test
    void shouldReportTheInvariantHolding() throws Exception {
        final HttpResponse<String> response = get("/api/totals/check");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = json(response);
        assertThat(body.get("holds").asBoolean()).isTrue();
        assertThat(body.get("figuresChecked").asInt()).isEqualTo(9);
        assertThat(body.get("mismatches").isArray()).isTrue();
        assertThat(body.get("mismatches")).isEmpty();
    }

    @Test
    void shouldReportAMismatchByFigure() throws Exception {
        data.remove("X|kunshan|software");

        final JsonNode body = json(get("/api/totals/check"));

        assertThat(body.get("holds").asBoolean()).isFalse();
        final JsonNode first = body.get("mismatches").get(0);
        assertThat(first.get("figure").asText()).isEqualTo("funding.amounts.CNY");
        assertThat(first.get("summary").asText()).isEqualTo("123920000.5000");
        assertThat(first.get("cells").asText()).isEqualTo("0");
    }

    // --- dead letters ---

    @Test
    void shouldListDeadLettersNewestFirstWithReasonSourceAndBytes() throws Exception {
        final HttpResponse<String> response = get("/api/dead-letters");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = json(response);
        assertThat(body.get("total").asLong()).isEqualTo(2);
        assertThat(body.get("items")).hasSize(2);
        assertThat(body.get("nextCursor").isNull()).isTrue();
        final JsonNode older = body.get("items").get(1);
        assertThat(older.get("rejectedAt").asText()).isEqualTo("2022-02-10T01:30:00Z");
        assertThat(older.get("reason").asText()).isEqualTo("unknown district 'atlantis'");
        assertThat(older.get("eventId").asText()).isEqualTo("ev-1");
        assertThat(older.get("source").get("topic").asText()).isEqualTo("ledger.events");
        assertThat(older.get("source").get("partition").asInt()).isEqualTo(2);
        assertThat(older.get("source").get("offset").asLong()).isEqualTo(41);
        assertThat(older.get("key").asText()).isEqualTo("P-1");
        assertThat(Base64.getDecoder().decode(older.get("valueBase64").asText())).isEqualTo(refused);
        assertThat(body.get("items").get(0).get("eventId").isNull()).isTrue();
    }

    @Test
    void shouldFollowTheNextCursorOfTheDeadLetters() throws Exception {
        final JsonNode first = json(get("/api/dead-letters?limit=1"));
        assertThat(first.get("items")).hasSize(1);
        assertThat(first.get("nextCursor").isTextual()).isTrue();

        final JsonNode second = json(get("/api/dead-letters?limit=1&cursor=" + encode(first.get("nextCursor").asText())));

        assertThat(second.get("items")).hasSize(1);
        assertThat(second.get("items").get(0).get("reason").asText()).isEqualTo("unknown district 'atlantis'");
        assertThat(second.get("nextCursor").isNull()).isTrue();
    }

    @Test
    void shouldRefuseANonNumericLimit() throws Exception {
        final HttpResponse<String> response = get("/api/dead-letters?limit=abc");

        assertThat(response.statusCode()).isEqualTo(400);
        final JsonNode body = json(response);
        assertThat(body.get("field").asText()).isEqualTo("limit");
        assertThat(body.get("error").asText()).isEqualTo("limit: must be a whole number, got 'abc'");
    }

    @Test
    void shouldRefuseALimitOutOfRange() throws Exception {
        final HttpResponse<String> response = get("/api/dead-letters?limit=501");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("limit");
    }

    @Test
    void shouldRefuseAGarbageCursor() throws Exception {
        final HttpResponse<String> response = get("/api/dead-letters?cursor=" + encode("not a cursor!"));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("field").asText()).isEqualTo("cursor");
    }

    // --- reference ---

    @Test
    void shouldListTheDistrictCodesWithTheirNames() throws Exception {
        final HttpResponse<String> response = get("/api/reference/districts");

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode body = json(response);
        assertThat(body).hasSize(10);
        body.forEach(code -> assertThat(fieldNames(code)).containsExactly("code", "nameZh", "nameEn", "nationalCode", "nationalScheme"));
        assertThat(body.get(3).get("code").asText()).isEqualTo("kunshan");
        assertThat(body.get(3).get("nameZh").asText()).isEqualTo("昆山市");
        assertThat(body.get(3).get("nameEn").asText()).isEqualTo("Kunshan");
        assertThat(body.get(3).get("nationalCode").asText()).isEqualTo("320583");
    }

    @Test
    void shouldListTheSectorCodes() throws Exception {
        final JsonNode body = json(get("/api/reference/sectors"));

        assertThat(body).hasSize(8);
        assertThat(body.get(0).get("code").asText()).isEqualTo("5g");
    }

    private static List<String> districtCodes(final JsonNode list) {
        final List<String> codes = new ArrayList<>();
        list.forEach(slice -> codes.add(slice.get("district").asText()));
        return codes;
    }

    private static List<String> fieldNames(final JsonNode node) {
        final List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    // --- error shapes ---

    /** What the server answers to raw request bytes: the status line and the rest. */
    private String raw(final String request) throws IOException {
        try (Socket socket = new Socket("localhost", app.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode body(final String rawResponse) throws IOException {
        return JSON.readTree(rawResponse.substring(rawResponse.indexOf("\r\n\r\n") + 4));
    }

    @Test
    void shouldAnswerAMalformedUriWithJson() throws Exception {
        final String response = raw("GET /api/totals/%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 400").containsIgnoringCase("Content-Type: application/json");
        assertThat(body(response).get("status").asInt()).isEqualTo(400);
    }

    @Test
    void shouldAnswerAUriTooLongWithJson() throws Exception {
        final String response = raw("GET /api/totals/" + "x".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 414").containsIgnoringCase("Content-Type: application/json");
        assertThat(body(response).get("error").asText()).isNotBlank();
    }

    @Test
    void shouldAnswerHeadersTooLargeWithJson() throws Exception {
        final String response = raw("GET /api/totals/summary HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "y".repeat(20_000)
                + "\r\nConnection: close\r\n\r\n");

        assertThat(response).startsWith("HTTP/1.1 431").containsIgnoringCase("Content-Type: application/json");
        assertThat(body(response).get("status").asInt()).isEqualTo(431);
    }

    @Test
    void shouldAnswerAWrongMethodWith405AndTheMethodsAllowed() throws Exception {
        final HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(base + "/api/totals/summary"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValueSatisfying(allow -> assertThat(allow).contains("GET"));
        assertThat(json(response).get("error").asText()).contains("DELETE is not allowed on /api/totals/summary");
    }

    @Test
    void shouldAnswerADistrictByItsNationalCode() throws Exception {
        final HttpResponse<String> byCode = get("/api/totals/districts/kunshan");
        final HttpResponse<String> byNational = get("/api/totals/districts/320583");

        assertThat(byNational.statusCode()).isEqualTo(200);
        assertThat(json(byNational)).isEqualTo(json(byCode));
    }

    @Test
    void shouldNeedTheReadTokenToReadWhenOneIsSet() throws Exception {
        final Javalin guarded = LedgerHttpServer.create(new LedgerHttpServer.Services(totalsService, letters, null, null, null,
                new AccessPolicy(OfficeRegistry.NONE, ReadToken.of("a-read-token-for-tests"), null), new ApiMetrics(() -> null), null));
        guarded.start(0);
        try {
            final String url = "http://localhost:" + guarded.port() + "/api/totals/summary";
            final HttpResponse<String> without = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> with = client.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer a-read-token-for-tests").build(), HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> docs = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + guarded.port()
                    + "/api/docs")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(without.statusCode()).isEqualTo(401);
            assertThat(without.headers().firstValue("WWW-Authenticate")).isPresent();
            assertThat(with.statusCode()).isEqualTo(200);
            assertThat(docs.statusCode()).isEqualTo(200);
        } finally {
            guarded.stop();
        }
    }

    @Test
    void shouldServeTheDashboardItsScriptsAndTheChartLibraryWithoutTheReadTokenButNotTheStream() throws Exception {
        final LiveHub hub = new LiveHub(LiveHub.Limits.DEFAULTS, LedgerHttpServer.liveEncoder("test"), Clock.systemUTC());
        final LiveService live = new LiveService(List::of, (before, now, limit) -> List.of(), hub, Duration.ofMillis(200));
        final Javalin guarded = LedgerHttpServer.create(new LedgerHttpServer.Services(totalsService, letters, null, null, null,
                new AccessPolicy(OfficeRegistry.NONE, ReadToken.of("a-read-token-for-tests"), null), new ApiMetrics(() -> null), live));
        guarded.start(0);
        try {
            final String base = "http://localhost:" + guarded.port();
            final HttpResponse<String> page = client.send(HttpRequest.newBuilder(URI.create(base + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> script = client.send(HttpRequest.newBuilder(URI.create(base + "/dashboard/app.js")).build(),
                    HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> charts = client.send(HttpRequest.newBuilder(
                    URI.create(base + "/webjars/echarts/5.3.1/dist/echarts.esm.min.js")).build(), HttpResponse.BodyHandlers.ofString());
            final HttpResponse<String> stream = client.send(HttpRequest.newBuilder(URI.create(base + "/api/stream")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
            assertThat(page.body()).contains("/dashboard/app.js").doesNotContain("http://", "https://");
            assertThat(script.statusCode()).isEqualTo(200);
            assertThat(script.body()).contains("/webjars/echarts/5.3.1/dist/echarts.esm.min.js", "/api/stream");
            assertThat(charts.statusCode()).isEqualTo(200);
            assertThat(stream.statusCode()).isEqualTo(401);
        } finally {
            guarded.stop();
        }
    }
}
