package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class BenchCommandTest {

    @Test
    void shouldUseTheFullSizesByDefault() {
        final BenchSettings settings = settings();

        assertThat(settings.events()).isEqualTo(1_000_000);
        assertThat(settings.replayEvents()).isEqualTo(10_000_000L);
        assertThat(settings.rates()).containsExactly(1_000, 5_000, 20_000);
        assertThat(settings.queryClients()).isEqualTo(8);
        assertThat(settings.embedded()).isTrue();
    }

    @Test
    void shouldShrinkForQuickButLetExplicitOptionsWin() {
        final BenchSettings settings = settings("--quick", "--events", "5000");

        assertThat(settings.events()).isEqualTo(5_000);
        assertThat(settings.replayEvents()).isEqualTo(80_000L);
        assertThat(settings.latencySeconds()).isEqualTo(2);
        assertThat(settings.querySeconds()).isEqualTo(2);
    }

    @Test
    void shouldSkipStagesByNameOrNumber() {
        final BenchSettings settings = settings("--skip", "replay,6");

        assertThat(settings.skip()).containsExactlyInAnyOrder(Stage.REPLAY, Stage.QUERY);
        assertThat(settings.runs(Stage.LEDGER)).isTrue();
    }

    @Test
    void shouldKnowThePeersByName() {
        final BenchSettings settings = settings("--only", "streams,ledger,postgres,dsl");

        assertThat(settings.runs(Stage.POSTGRES)).isTrue();
        assertThat(settings.runs(Stage.DSL)).isTrue();
        assertThat(settings.runs(Stage.LATENCY)).isFalse();
    }

    @Test
    void shouldRefuseToSkipTheStageThatWritesTheData() {
        assertThatThrownBy(() -> settings("--skip", "producer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--events");
    }

    @Test
    void shouldRefuseAnUnknownStage() {
        assertThatThrownBy(() -> settings("--skip", "warp")).hasMessageContaining("unknown stage 'warp'");
    }

    @Test
    void shouldRunOnlyTheStagesAskedAndTheProducer() {
        final BenchSettings settings = settings("--only", "audit,10");

        assertThat(settings.runs(Stage.AUDIT)).isTrue();
        assertThat(settings.runs(Stage.RECONCILE)).isTrue();
        assertThat(settings.runs(Stage.PRODUCER)).isTrue();
        assertThat(settings.runs(Stage.LEDGER)).isFalse();
        assertThat(settings.runs(Stage.MEMORY)).isFalse();
    }

    @Test
    void shouldRefuseOnlyAndSkipTogether() {
        assertThatThrownBy(() -> settings("--only", "audit", "--skip", "replay")).hasMessageContaining("give one");
    }

    @Test
    void shouldSizeTheOfficeAndAuditStagesFullByDefault() {
        final BenchSettings.Offices offices = settings().offices();

        assertThat(offices.auditEvents()).isEqualTo(1_000_000L);
        assertThat(offices.reconcileSizes()).containsExactly(1_000_000L, 10_000_000L);
        assertThat(offices.fileEvents()).isEqualTo(1_000_000);
        assertThat(offices.ingestSeconds()).isEqualTo(10);
    }

    @Test
    void shouldShrinkTheOfficeAndAuditStagesForQuick() {
        final BenchSettings.Offices offices = settings("--quick").offices();

        assertThat(offices.auditEvents()).isEqualTo(100_000L);
        assertThat(offices.reconcileSizes()).containsExactly(100_000L);
        assertThat(offices.fileEvents()).isEqualTo(50_000);
        assertThat(offices.ingestEvents()).isEqualTo(20_000);
    }

    @Test
    void shouldSortTheReconcileSizes() {
        assertThat(settings("--reconcile-sizes", "3000000,1000000,3000000").offices().reconcileSizes())
                .containsExactly(1_000_000L, 3_000_000L);
    }

    @Test
    void shouldRefuseFewerIngestEventsThanOffices() {
        assertThatThrownBy(() -> settings("--ingest-events", "7")).hasMessageContaining("--ingest-events");
    }

    private static BenchSettings settings(final String... args) {
        final BenchCommand command = new BenchCommand(List.of(args), System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }
}
