package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The harness end to end in its CI size on an embedded broker: every stage runs and the ledger
 * counts right. Keeps the harness working; its figures are never checked (a benchmark is not a test).
 */
class BenchQuickIT {

    @Test
    void shouldRunEveryStageAndFindTheLedgerRight(@TempDir final Path dir) throws IOException {
        final Path json = dir.resolve("bench-result.json");

        final int exit = Bench.commandLine().execute("--quick", "--json", json.toString(), "--work-dir", dir.toString());

        final JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertThat(result.path("problems")).as("problems").isEmpty();
        assertThat(exit).isZero();
        for (final Stage stage : Stage.values()) {
            assertThat(result.path("stages").path(stage.key()).path("status").asText()).as(stage.key()).isEqualTo("ok");
        }
        final JsonNode stages = result.path("stages");
        assertThat(stages.path("streams").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("ledger").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("ledger").path("deadLetterCheck").asText()).isEqualTo("OK");
        assertThat(stages.path("ledger").has("ratioToStreams")).isTrue();
        // the ledger's peers, on the same records: each summed every readable record, at every level
        for (final String peer : List.of("postgres", "dsl")) {
            assertThat(stages.path(peer).path("check").asText()).as(peer).isEqualTo("OK");
            assertThat(stages.path(peer).path("records").asLong()).as(peer).isEqualTo(20_000L);
            assertThat(stages.path(peer).has("ledgerRatio")).as(peer).isTrue();
            assertThat(stages.path(peer).path("cpu").has("streamThreadCpuMicrosPerRecord")).as(peer).isTrue();
        }
        assertThat(stages.path("postgres").path("transactions").asLong()).isPositive();
        assertThat(stages.path("latency").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("latency").path("rates")).hasSize(3);
        assertThat(stages.path("query").path("check").asText()).isEqualTo("OK");
        for (final String queryCase : List.of("keyLookupLocal", "keyLookupForwarded", "summaryFanOut3",
                "keyLookupOneInstance", "summaryOneInstance", "districtsOneInstance", "districtOneInstance",
                "sectorsOneInstance", "sectorOneInstance", "cellOneInstance")) {
            final JsonNode figures = stages.path("query").path("cases").path(queryCase);
            assertThat(figures.path("queries").asLong()).as(queryCase).isPositive();
            assertThat(figures.path("errors").asLong()).as(queryCase).isZero();
        }
        assertThat(stages.path("query").path("cases").path("keyLookupForwarded").path("askedAt").asText())
                .isNotEqualTo(stages.path("query").path("cases").path("keyLookupForwarded").path("answeredBy").asText());
        assertThat(stages.path("flood").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("flood").path("records").asLong()).isPositive();
        assertThat(stages.path("replay").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("replay").path("records").asLong()).isGreaterThanOrEqualTo(80_000L);
        // the replay's node runs in a JVM of its own: its resident set is its own figure
        assertThat(stages.path("replay").path("nodeRssMiB").asDouble()).isPositive();
        assertThat(stages.path("replay").path("cpu").path("streamThreadCpuMicrosPerRecord").asDouble()).isPositive();
        assertThat(stages.path("memory").path("heapAfterGcMiB").asDouble()).isPositive();
        assertThat(stages.path("secured").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("secured").has("ratioToLedger")).isTrue();
        assertThat(stages.path("audit").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("audit").path("historyRecords").asLong()).isGreaterThanOrEqualTo(100_000L);
        for (final String auditCase : List.of("eventsPages", "projectHistory", "explainPages")) {
            final JsonNode figures = stages.path("audit").path("cases").path(auditCase);
            assertThat(figures.path("pages").asLong()).as(auditCase).isPositive();
            assertThat(figures.path("errors").asLong()).as(auditCase).isZero();
        }
        assertThat(stages.path("reconcile").path("runs")).isNotEmpty();
        stages.path("reconcile").path("runs").forEach(run -> assertThat(run.path("result").asText()).isEqualTo("equal"));
        assertThat(stages.path("ingest").path("check").asText()).isEqualTo("OK");
        for (final String ingestCase : List.of("batch100", "batch100Wait", "batch1", "batch1Wait")) {
            final JsonNode figures = stages.path("ingest").path("cases").path(ingestCase);
            assertThat(figures.path("acceptedEvents").asLong()).as(ingestCase).isPositive();
            assertThat(figures.path("errors").asLong()).as(ingestCase).isZero();
        }
        assertThat(stages.path("publish").path("check").asText()).isEqualTo("OK");
        assertThat(stages.path("publish").path("api").path("counted").asLong()).isEqualTo(50_000L);
        assertThat(stages.path("publish").path("kafka").path("counted").asLong()).isEqualTo(50_000L);
        assertThat(result.path("machine").path("cores").asInt()).isPositive();
    }
}
