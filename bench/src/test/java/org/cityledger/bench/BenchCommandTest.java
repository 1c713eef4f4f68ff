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
    void shouldRefuseToSkipTheStageThatWritesTheData() {
        assertThatThrownBy(() -> settings("--skip", "producer"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--events");
    }

    @Test
    void shouldRefuseAnUnknownStage() {
        assertThatThrownBy(() -> settings("--skip", "warp")).hasMessageContaining("unknown stage 'warp'");
    }

    private static BenchSettings settings(final String... args) {
        final BenchCommand command = new BenchCommand(List.of(args), System.out, System.err);
        new CommandLine(command).parseArgs(args);
        return command.settings();
    }
}
