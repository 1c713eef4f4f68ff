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

    @Test
    void shouldPrintTheKafkaAclsCommandsThatConfineAnOfficeToItsInbox() {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out));

        final int code = cli.execute("offices", "acls", "--bootstrap-servers", "k1:9093", "--command-config", "admin.properties");

        assertThat(code).isZero();
        assertThat(out.toString()).contains("kafka-acls.sh --bootstrap-server k1:9093 --command-config admin.properties --add "
                + "--allow-principal User:kunshan --operation Write --operation Describe --topic ledger.inbox.kunshan\n");
    }

    @Test
    void shouldPrintTheLedgersPrefixedGrantsForItsUserAndApplicationId() {
        final StringWriter out = new StringWriter();
        final CommandLine cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out));

        cli.execute("offices", "acls", "--ledger-user", "svc-ledger", "--application-id", "city-ledger-2");

        assertThat(out.toString())
                .contains("--allow-principal User:svc-ledger --operation All --resource-pattern-type prefixed --topic ledger.\n")
                .contains("--allow-principal User:svc-ledger --operation All --resource-pattern-type prefixed --group city-ledger-2\n")
                .contains("--allow-principal User:svc-ledger --operation All --resource-pattern-type prefixed "
                        + "--transactional-id city-ledger-2\n");
    }
}
