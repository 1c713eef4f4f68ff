package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream originalErr = System.err;
        final int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = Ledger.commandLine().execute("publish", "--check", file.toString());
        } finally {
            System.setErr(originalErr);
        }

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("nothing published", "line 2", "type");
    }
}
