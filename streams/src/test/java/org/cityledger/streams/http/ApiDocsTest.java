package org.cityledger.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiDocsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The endpoints the API has, written out here rather than taken from the class under test. */
    private static final List<String> API = List.of(
            "/api/totals/summary",
            "/api/totals/districts",
            "/api/totals/districts/{district}",
            "/api/totals/sectors",
            "/api/totals/sectors/{sector}",
            "/api/totals/districts/{district}/sectors/{sector}",
            "/api/totals/check",
            "/api/dead-letters",
            "/api/projects/{project}/events/{event}",
            "/api/reference/districts",
            "/api/reference/sectors",
            "/api/instances",
            "/api/stream",
            "/metrics");

    private static final List<String> TOTALS = List.of(
            "/api/totals/summary",
            "/api/totals/districts",
            "/api/totals/districts/{district}",
            "/api/totals/sectors",
            "/api/totals/sectors/{sector}",
            "/api/totals/districts/{district}/sectors/{sector}",
            "/api/totals/check");

    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private Javalin app;

    @BeforeEach
    void start() {
        app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            ApiDocs.register(config);
        }).start(0);
    }

    @AfterEach
    void stop() {
        app.stop();
    }

    @Test
    void shouldServeAnOpenApi3DocumentOfEveryEndpoint() throws Exception {
        final HttpResponse<String> response = get("/api/openapi.json");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        final JsonNode api = JSON.readTree(response.body());
        assertThat(api.path("openapi").asText()).startsWith("3.");
        assertThat(names(api.path("paths"))).containsAll(API);
    }

    @Test
    void shouldDocumentExactlyTheListedPaths() throws Exception {
        final JsonNode api = JSON.readTree(get("/api/openapi.json").body());

        assertThat(names(api.path("paths"))).isEqualTo(new TreeSet<>(ApiDocs.DOCUMENTED_PATHS));
        assertThat(ApiDocs.DOCUMENTED_PATHS).doesNotHaveDuplicates();
    }

    @Test
    void shouldServeThePageMentioningEveryPath() throws Exception {
        final HttpResponse<String> response = get("/api/docs");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("text/html"));
        assertThat(response.body()).startsWith("<!DOCTYPE html>").contains(ApiDocs.DOCUMENTED_PATHS);
        assertThat(response.body()).contains("asOf", "maxLag", "X-Ledger-Stale", "Retry-After", "InvariantReport", "DeadLetterPage");
        // the page must work offline: nothing loaded from another host
        assertThat(response.body()).doesNotContain("<script", "http://", "https://");
    }

    @Test
    void shouldResolveEveryReference() throws IOException {
        final JsonNode api = JSON.readTree(ApiDocs.load());
        final List<String> refs = new ArrayList<>();
        collectRefs(api, refs);

        assertThat(refs).isNotEmpty().allSatisfy(ref -> {
            assertThat(ref).startsWith("#/components/");
            assertThat(api.at(ref.substring(1)).isMissingNode()).as(ref).isFalse();
        });
    }

    @Test
    void shouldTakeAsOfAndMaxLagOnEveryTotalsEndpointAndSayWhereTheAnswerCameFrom() throws IOException {
        final JsonNode api = JSON.readTree(ApiDocs.load());

        for (final String path : TOTALS) {
            final JsonNode get = api.path("paths").path(path).path("get");
            final List<String> parameters = new ArrayList<>();
            get.path("parameters").forEach(p -> parameters.add(resolve(api, p).path("name").asText()));
            assertThat(parameters).as(path).contains("asOf", "maxLag");
            assertThat(names(get.path("responses"))).as(path).contains("200", "400", "422", "503");
            assertThat(names(resolve(api, get.path("responses").path("200")).path("headers"))).as(path)
                    .contains("X-Ledger-Instance", "X-Ledger-Lag", "X-Ledger-Stale");
        }
        assertThat(names(api.path("components").path("responses").path("Unavailable").path("headers"))).contains("Retry-After");
        assertThat(api.path("components").path("parameters").path("AsOf").path("description").asText())
                .contains("horizon", "ten years", "422", "future");
    }

    @Test
    void shouldPageDeadLettersAndCollectionsWithLimitAndCursor() throws IOException {
        final JsonNode api = JSON.readTree(ApiDocs.load());

        for (final String path : List.of("/api/dead-letters", "/api/totals/districts", "/api/totals/sectors")) {
            final List<String> parameters = new ArrayList<>();
            api.path("paths").path(path).path("get").path("parameters")
                    .forEach(p -> parameters.add(resolve(api, p).path("name").asText()));
            assertThat(parameters).as(path).contains("limit", "cursor");
        }
    }

    @Test
    void shouldDescribeAmountsAsDecimalStringsNeverNumbers() throws IOException {
        final JsonNode amounts = JSON.readTree(ApiDocs.load()).path("components").path("schemas").path("Amounts");

        assertThat(amounts.path("type").asText()).isEqualTo("object");
        assertThat(amounts.path("additionalProperties").path("type").asText()).isEqualTo("string");
        final Pattern pattern = Pattern.compile(amounts.path("additionalProperties").path("pattern").asText());
        assertThat(List.of("7257000000.00", "0.00", "-12.50")).allMatch(a -> pattern.matcher(a).matches());
        assertThat(List.of("1.5", "12", "1e9", "1.005")).noneMatch(a -> pattern.matcher(a).matches());
    }

    @Test
    void shouldDefineTheSchemasTheApiAnswersWith() throws IOException {
        final JsonNode schemas = JSON.readTree(ApiDocs.load()).path("components").path("schemas");

        assertThat(names(schemas)).contains("Totals", "KindTotals", "Error", "InvariantReport", "DeadLetterPage", "Instance");
        assertThat(names(schemas.path("Error").path("properties"))).containsExactlyInAnyOrder("error", "field", "code");
        assertThat(names(schemas.path("Instance").path("properties")))
                .containsExactlyInAnyOrder("id", "state", "activePartitions", "standbyPartitions", "storeLags");
    }

    private HttpResponse<String> get(final String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static Set<String> names(final JsonNode object) {
        final Set<String> names = new TreeSet<>();
        object.properties().forEach(entry -> names.add(entry.getKey()));
        return names;
    }

    private static JsonNode resolve(final JsonNode api, final JsonNode node) {
        return node.has("$ref") ? api.at(node.path("$ref").asText().substring(1)) : node;
    }

    private static void collectRefs(final JsonNode node, final List<String> refs) {
        if (node.isObject()) {
            for (final Map.Entry<String, JsonNode> entry : node.properties()) {
                if ("$ref".equals(entry.getKey())) {
                    refs.add(entry.getValue().asText());
                } else {
                    collectRefs(entry.getValue(), refs);
                }
            }
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
