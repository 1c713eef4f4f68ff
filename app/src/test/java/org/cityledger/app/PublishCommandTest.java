package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The publish command against a stand-in for a ledger's HTTP API on a loopback port. */
class PublishCommandTest {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String TOKEN = "ks-office-7f3a9c-secret";

    private final HttpServer server;
    private final List<String> authorizations = Collections.synchronizedList(new ArrayList<>());
    private final List<JsonNode> received = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<JsonNode, Answer> answer = sent -> judged(sent, "counted");
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private Map<String, String> environment = Map.of();

    @TempDir
    private Path dir;

    PublishCommandTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/api/events", this::answer);
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void shouldReportTheLedgersVerdictsAndExitWithZero() throws IOException {
        final int code = publish("--api", api(), "--token", TOKEN, csv(3).toString());

        assertThat(code).isZero();
        assertThat(out.toString()).contains("Verdicts: 3 new (counted), 0 corrections, 0 duplicates, 0 rejected, 0 pending");
    }

    @Test
    void shouldSayARerunCountedNothingTwice() throws IOException {
        answer = sent -> judged(sent, "duplicate");

        publish("--api", api(), "--token", TOKEN, csv(2).toString());

        assertThat(out.toString()).contains(
                "2 events were counted before (a re-run or a re-sent file): nothing was counted twice.");
    }

    @Test
    void shouldListEachRejectedEventWithItsLineAndExitWithOne() throws IOException {
        answer = sent -> {
            final Answer all = judged(sent, "counted");
            final ObjectNode second = (ObjectNode) all.body().get("events").get(1);
            second.put("verdict", "rejected");
            second.put("reason", "conflicting duplicate");
            return all;
        };

        final int code = publish("--api", api(), "--token", TOKEN, csv(2).toString());

        assertThat(code).isEqualTo(1);
        assertThat(out.toString()).contains("Rejected by the ledger (not counted):", "line 3: ks-2: conflicting duplicate");
    }

    @Test
    void shouldSayTheTokenWasNotAcceptedAndExitWithTwo() throws IOException {
        answer = sent -> new Answer(401, MAPPER.createObjectNode().put("error", "unknown token"));

        final int code = publish("--api", api(), "--token", TOKEN, csv(2).toString());

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("did not accept the token (HTTP 401: unknown token)", "--token-file");
    }

    @Test
    void shouldSayWhichDistrictTheTokenMayNotPublishAndExitWithTwo() throws IOException {
        answer = sent -> new Answer(403, MAPPER.createObjectNode()
                .put("error", "token of office 'kunshan' cannot publish events of district 'wujiang'"));

        final int code = publish("--api", api(), "--token", TOKEN, csv(1).toString());

        assertThat(code).isEqualTo(2);
        assertThat(out.toString()).contains("token of office 'kunshan' cannot publish events of district 'wujiang'");
    }

    @Test
    void shouldNeverPrintTheToken() throws IOException {
        final Path file = csv(2);
        final List<Function<JsonNode, Answer>> answers = List.of(sent -> judged(sent, "counted"),
                sent -> new Answer(401, MAPPER.createObjectNode().put("error", "unknown token")),
                sent -> new Answer(403, MAPPER.createObjectNode().put("error", "forbidden")),
                sent -> new Answer(500, MAPPER.createObjectNode().put("error", "boom")));
        for (final Function<JsonNode, Answer> each : answers) {
            answer = each;
            publish("--api", api(), "--token", TOKEN, file.toString());
        }
        publish("--api", api(), "--token", TOKEN, "--batch-size", "5000", file.toString());
        publish("--api", "not a url", "--token", TOKEN, file.toString());

        assertThat(out.toString() + err.toString()).isNotEmpty().doesNotContain(TOKEN);
    }

    @Test
    void shouldSendTheTokenFromTheEnvironment() throws IOException {
        environment = Map.of("LEDGER_TOKEN", TOKEN);

        publish("--api", api(), csv(1).toString());

        assertThat(authorizations).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void shouldSendTheTokenFromAFile() throws IOException {
        final Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, TOKEN + "\n");

        publish("--api", api(), "--token-file", tokenFile.toString(), csv(1).toString());

        assertThat(authorizations).containsExactly("Bearer " + TOKEN);
    }

    @Test
    void shouldRefuseTheApiWithoutATokenAsBadUsage() throws IOException {
        final int code = publish("--api", api(), csv(1).toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("needs its token");
        assertThat(received).isEmpty();
    }

    @Test
    void shouldRefuseABatchLargerThanTheApiTakes() throws IOException {
        final int code = publish("--api", api(), "--token", TOKEN, "--batch-size", "1001", csv(1).toString());

        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--batch-size must be 1 to 1000");
    }

    @Test
    void shouldSendNothingFromAFileWithABadLine() throws IOException {
        final Path file = dir.resolve("office.csv");
        Files.writeString(file, header() + row(1) + row(2).replace("1500000000.00", "-1"), StandardCharsets.UTF_8);

        final int code = publish("--api", api(), "--token", TOKEN, file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(received).isEmpty();
        assertThat(out.toString()).contains("1 invalid line, nothing published", "line 3: amount.value");
    }

    @Test
    void shouldSendTheGoodLinesAndWriteTheBadOnesWithSkipInvalid() throws IOException {
        final Path file = dir.resolve("office.csv");
        Files.writeString(file, header() + row(1) + row(2).replace("1500000000.00", "-1"), StandardCharsets.UTF_8);
        final Path rejects = dir.resolve("rejects.csv");

        final int code = publish("--api", api(), "--token", TOKEN, "--skip-invalid", rejects.toString(), file.toString());

        assertThat(code).isEqualTo(1);
        assertThat(received).extracting(event -> event.get("eventId").textValue()).containsExactly("ks-1");
        assertThat(Files.readString(rejects)).contains("ks-2", ",3,amount.value: must not be negative");
    }

    @Test
    void shouldSayInHelpThatARerunIsSafe() {
        publish("publish", "--help");

        assertThat(out.toString()).contains("Re-running an interrupted or failed publish is safe", "--skip-invalid",
                "--token-file", "LEDGER_TOKEN");
    }

    @Test
    void shouldReportProgressInPlainLinesWhenNotOnATerminal() throws IOException {
        publish("--api", api(), "--token", TOKEN, "--batch-size", "1", csv(3).toString());

        assertThat(err.toString()).doesNotContain("\r").contains("  published 100% 3/3 events");
    }

    private int publish(final String... args) {
        final CommandLine cli = Ledger.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        final PublishCommand command = cli.getSubcommands().get("publish").getCommand();
        command.environment = environment::get;
        final String[] full = args[0].equals("publish") ? args : prepend(args);
        return cli.execute(full);
    }

    private static String[] prepend(final String[] args) {
        final String[] full = new String[args.length + 1];
        full[0] = "publish";
        System.arraycopy(args, 0, full, 1, args.length);
        return full;
    }

    private String api() {
        return "http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort();
    }

    private Path csv(final int events) throws IOException {
        final StringBuilder text = new StringBuilder(header());
        for (int i = 1; i <= events; i++) {
            text.append(row(i));
        }
        final Path file = dir.resolve("office.csv");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    private static String header() {
        return "eventId,type,occurredAt,district,sector,project.id,project.name,project.company,project.category,"
                + "amount.value,amount.currency\r\n";
    }

    private static String row(final int n) {
        return "ks-" + n + ",SIGNING,2022-02-10T09:30:00+08:00,kunshan,displays,KS-P-" + n
                + ",\"OLED line, phase " + n + "\",华信显示,strategic-emerging,1500000000.00,CNY\r\n";
    }

    private void answer(final HttpExchange exchange) throws IOException {
        authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
        final JsonNode sent = MAPPER.readTree(exchange.getRequestBody().readAllBytes());
        sent.forEach(received::add);
        final Answer reply = answer.apply(sent);
        final byte[] body = MAPPER.writeValueAsBytes(reply.body());
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(reply.status(), body.length);
        try (OutputStream stream = exchange.getResponseBody()) {
            stream.write(body);
        }
    }

    private static Answer judged(final JsonNode sent, final String verdict) {
        final ObjectNode body = MAPPER.createObjectNode();
        final ArrayNode events = body.putArray("events");
        for (int i = 0; i < sent.size(); i++) {
            events.addObject().put("index", i).put("eventId", sent.get(i).get("eventId").textValue())
                    .put("project", sent.get(i).get("project").get("id").textValue())
                    .put("partition", 0).put("offset", i).put("verdict", verdict);
        }
        return new Answer(200, body);
    }

    private record Answer(int status, JsonNode body) {
    }
}
