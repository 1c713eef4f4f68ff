package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LedgerCommandTest {

    @TempDir
    Path dir;

    @Test
    void shouldListEveryCommandInHelp() {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out));

        final int code = cli.execute("--help");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("run", "demo", "publish", "--bootstrap-servers");
    }

    @Test
    void shouldReportEveryBadLineOfAFileWithItsNumberAndPublishNothing() throws Exception {
        final Path file = dir.resolve("bad.jsonl");
        Files.writeString(file, "# a comment\n{\"eventId\":\"x\"}\n", StandardCharsets.UTF_8);
        final StringWriter out = new StringWriter();
        final CommandLine cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out));

        final int code = cli.execute("publish", "--check", file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("nothing published", "line 2", "type");
    }
}
