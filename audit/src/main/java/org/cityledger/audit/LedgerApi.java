package org.cityledger.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a running ledger says its totals are, partition by partition ({@code GET /api/audit/partitions}):
 * read from its public JSON, the way any client would read it.
 */
public final class LedgerApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /**
     * One partition's committed totals.
     *
     * @param through     the last input offset they include; -1 if none; null if the ledger cannot say
     * @param deadLetters records of the partition refused through then; null if the ledger cannot say
     */
    public record Partition(int partition, Long through, Long deadLetters, Figures figures) {
    }

    private final URI api;
    private final String token;
    private final HttpClient http;

    /** @param token a read (or office) token when the ledger needs one; else null. Never printed. */
    public LedgerApi(final URI api, final String token) {
        this(api, token, HttpClient.newBuilder().connectTimeout(TIMEOUT).build());
    }

    /** As {@link #LedgerApi(URI, String)}, asking with {@code http} (e.g. one trusting the ledger's own CA). */
    public LedgerApi(final URI api, final String token, final HttpClient http) {
        this.api = api;
        this.token = token;
        this.http = http;
    }

    public URI uri() {
        return api;
    }

    /**
     * @throws IOException with the ledger's answer when it does not answer 200 (503 while partitions move: try again)
     */
    public List<Partition> partitions() throws IOException, InterruptedException {
        final HttpRequest.Builder request = HttpRequest.newBuilder(api.resolve("/api/audit/partitions")).timeout(TIMEOUT).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        final HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("the ledger at " + api + " answered " + response.statusCode() + ": " + response.body());
        }
        final List<Partition> partitions = new ArrayList<>();
        for (final JsonNode p : JSON.readTree(response.body()).get("partitions")) {
            final Figures figures = new Figures();
            for (final JsonNode slice : p.get("slices")) {
                read(slice, figures);
            }
            partitions.add(new Partition(p.get("partition").asInt(), p.get("committedOffset").isNull() ? null
                    : p.get("committedOffset").asLong(), p.get("deadLetters").isNull() ? null : p.get("deadLetters").asLong(), figures));
        }
        return partitions;
    }

    private static void read(final JsonNode slice, final Figures figures) {
        final String district = slice.hasNonNull("district") ? slice.get("district").asText() : null;
        final String sector = slice.hasNonNull("sector") ? slice.get("sector").asText() : null;
        final String name = district == null && sector == null ? "summary"
                : district != null && sector != null ? "cell " + district + "/" + sector
                : district != null ? "district " + district : "sector " + sector;
        for (final String kind : List.of("signing", "groundbreaking", "funding")) {
            final JsonNode totals = slice.get(kind);
            figures.add(name, kind + ".count", BigDecimal.valueOf(totals.get("count").asLong()));
            for (final String part : List.of("amounts", "plannedWithinYear", "matching")) {
                if (totals.has(part)) {
                    for (final Map.Entry<String, JsonNode> sum : totals.get(part).properties()) {
                        figures.add(name, kind + "." + part + "." + sum.getKey(), new BigDecimal(sum.getValue().asText()));
                    }
                }
            }
        }
    }
}
