package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.TopicSetup;
import org.cityledger.streams.access.ClusterSecret;
import org.cityledger.streams.access.OfficeRegistry;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * District offices publishing files through a running ledger's HTTP API with {@code ledger publish
 * --api}: a spreadsheet's CSV export as it is, and a large file whose publishing process is killed
 * half way and run again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfficePublishIT {

    private static final Pattern VERDICTS = Pattern.compile(
            "Verdicts: ([\\d,]+) new \\(counted\\), ([\\d,]+) corrections, ([\\d,]+) duplicates, ([\\d,]+) rejected, ([\\d,]+) pending");

    private Path dir;
    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private Admin admin;
    private Path kunshanToken;
    private Path wujiangToken;

    @BeforeAll
    void start(@TempDir final Path tempDir) throws Exception {
        dir = tempDir;
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        final Path offices = dir.resolve("offices.txt");
        kunshanToken = Files.writeString(dir.resolve("kunshan.token"), OfficeRegistry.add(offices, "kunshan", Clock.systemUTC()).token());
        wujiangToken = Files.writeString(dir.resolve("wujiang.token"), OfficeRegistry.add(offices, "wujiang", Clock.systemUTC()).token());
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir.resolve("state")).withHttpPort(0)
                .withAccess(new LedgerConfig.Access(offices, null, ClusterSecret.of("office-publish-it")))).start();
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        admin = Admin.create(props);
    }

    @AfterAll
    void stop() {
        admin.close();
        node.close();
        broker.close();
    }

    @Test
    void shouldPublishASpreadsheetsCsvExportAsItIs() throws Exception {
        // what a spreadsheet saves as "CSV UTF-8": a byte order mark, CRLF, quoted commas and Chinese names
        final String csv = "\uFEFFeventId,type,occurredAt,district,sector,project.id,project.name,project.company,project.category,"
                + "amount.value,amount.currency\r\n"
                + "wj-csv-1,SIGNING,2022-02-10T09:30:00+08:00,wujiang,displays,WJ-P-1,\"光电, 一期\",吴江光电有限公司,strategic-emerging,"
                + "1200.00,CNY\r\n"
                + "wj-csv-2,SIGNING,2022-02-10T09:31:00+08:00,320509,3973,WJ-P-2,\"Wafer line \"\"B\"\"\",\"Wujiang Chip Co., Ltd.\","
                + "advanced-manufacturing,800.50,CNY\r\n";
        final Path file = Files.write(dir.resolve("wujiang.csv"), csv.getBytes(StandardCharsets.UTF_8));

        final Run run = publish(wujiangToken, file);

        assertThat(run.exitCode()).as(run.out()).isZero();
        assertThat(run.counts()).containsExactly(2L, 0L, 0L, 0L, 0L);
        final Totals wujiang = node.totals().district("wujiang", Ask.NOW).value().totals();
        assertThat(wujiang.signing().amounts().get("CNY")).isEqualByComparingTo("2000.50");
        assertThat(node.totals().cell("wujiang", "semiconductors", Ask.NOW).value().totals().events()).isEqualTo(1);
    }

    @Test
    void shouldCountALargeFileExactlyOnceWhenItsPublishingIsKilledAndRunAgain() throws Exception {
        final int events = 10_000;
        final Path file = dir.resolve("kunshan.jsonl");
        final List<String> lines = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            lines.add("{\"eventId\":\"ks-big-" + i + "\",\"type\":\"SIGNING\",\"occurredAt\":\"2022-02-10T09:30:00+08:00\","
                    + "\"district\":\"kunshan\",\"sector\":\"software\",\"project\":{\"id\":\"KS-BIG-" + i + "\",\"name\":\"P\","
                    + "\"company\":\"C\",\"category\":\"modern-services\"},\"amount\":{\"value\":\"1.00\",\"currency\":\"CNY\"}}");
        }
        Files.write(file, lines, StandardCharsets.UTF_8);
        final long before = topicEnd();

        // the ledger stops judging, so each batch waits for its verdicts: the first run is certainly killed midway
        node.streams().pause();
        final Process first;
        try {
            first = new ProcessBuilder(javaCommand("publish", "--api", api(), "--token-file", kunshanToken.toString(),
                    "--batch-size", "500", file.toString()))
                    .redirectErrorStream(true).redirectOutput(dir.resolve("first-run.log").toFile()).start();
            await().atMost(Duration.ofSeconds(120)).until(() -> topicEnd() - before >= 1_000);
            assertThat(first.isAlive()).as("the first run is still publishing when it is killed").isTrue();
            first.destroyForcibly().waitFor();
        } finally {
            node.streams().resume();
        }
        final long published = topicEnd() - before;
        assertThat(published).isBetween(1_000L, events - 1L);

        final Run second = publish(kunshanToken, file);

        assertThat(second.exitCode()).as(second.out()).isZero();
        final List<Long> counts = second.counts();
        assertThat(counts.get(0) + counts.get(2)).isEqualTo(events);
        assertThat(counts.get(2)).as("duplicates: what the killed run had sent").isEqualTo(published);
        assertThat(second.out()).contains("were counted before (a re-run or a re-sent file): nothing was counted twice");
        final Totals software = node.totals().cell("kunshan", "software", Ask.NOW).value().totals();
        assertThat(software.events()).isEqualTo(events);
        assertThat(software.signing().amounts().get("CNY")).isEqualByComparingTo(new BigDecimal(events));
    }

    /** One in-process run of the command line and what it printed. */
    private record Run(int exitCode, String out) {

        List<Long> counts() {
            final Matcher m = VERDICTS.matcher(out);
            assertThat(m.find()).as(out).isTrue();
            return IntStream.rangeClosed(1, 5).mapToObj(g -> Long.parseLong(m.group(g).replace(",", ""))).toList();
        }
    }

    private Run publish(final Path token, final Path file) {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final var cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        cli.setErr(new PrintWriter(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        final int code = cli.execute("publish", "--api", api(), "--token-file", token.toString(), file.toString());
        return new Run(code, out.toString(StandardCharsets.UTF_8));
    }

    private String api() {
        return "http://localhost:" + node.httpPort();
    }

    /** The command line in a JVM of its own, so that killing it is killing a process. */
    private static List<String> javaCommand(final String... args) {
        final List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Ledger.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private long topicEnd() throws Exception {
        final Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, Topics.DEFAULT_PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(Topics.EVENTS, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }
}
