package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.producers.IngestJson;
import org.cityledger.schema.Topics;
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
 * District offices publishing over HTTP to a real ledger node on a real broker: every answer with
 * its exact status and message; every refused request leaves the topic as it was, every accepted
 * one moves the totals by exactly its amount.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestApiIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ClusterSecret SECRET = ClusterSecret.of("ingest-it-secret");

    private Path dir;

    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private Admin admin;
    private String kunshan;
    private String wujiang;
    private final HttpClient http = HttpClient.newHttpClient();
    private final IngestJson ingest = new IngestJson();
    private final AtomicInteger serial = new AtomicInteger();

    @BeforeAll
    void start(@TempDir final Path tempDir) throws Exception {
        dir = tempDir;
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        final Path offices = dir.resolve("offices.txt");
        kunshan = OfficeRegistry.add(offices, "kunshan", Clock.systemUTC()).token();
        wujiang = OfficeRegistry.add(offices, "wujiang", Clock.systemUTC()).token();
        node = new LedgerNode(LedgerConfig.defaults(broker.bootstrapServers(), dir.resolve("state")).withHttpPort(0)
                .withAccess(new LedgerConfig.Access(offices, null, SECRET))).start();
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

    // --- accepted ---

    @Test
    void shouldAcceptOneEventAndSayWhereTheBrokerPutIt() throws Exception {
        final long before = topicEnd();
        final BigDecimal summaryBefore = signedCny();

        final HttpResponse<String> response = publish(kunshan, "", event("kunshan", "100.00"));

        assertThat(response.statusCode()).isEqualTo(202);
        final JsonNode answer = JSON.readTree(response.body()).get("events").get(0);
        assertThat(answer.get("verdict").asText()).isEqualTo("pending");
        assertThat(answer.get("partition").asInt()).isBetween(0, Topics.DEFAULT_PARTITIONS - 1);
        assertThat(answer.get("offset").asLong()).isNotNegative();
        assertThat(topicEnd()).isEqualTo(before + 1);
        awaitSignedCny(summaryBefore.add(new BigDecimal("100.00")));
    }

    @Test
    void shouldAnswerCountedOnceTheLedgerJudgedIt() throws Exception {
        final HttpResponse<String> response = publish(kunshan, "?wait=PT10S", event("kunshan", "7.00"));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(verdicts(response)).containsExactly("counted");
    }

    @Test
    void shouldJudgeEveryEventOfABatch() throws Exception {
        final BigDecimal before = signedCny();
        final ArrayNode batch = JSON.createArrayNode().add(event("kunshan", "1.00")).add(event("kunshan", "2.00"))
                .add(event("kunshan", "3.00"));

        final HttpResponse<String> response = publish(kunshan, "?wait=PT10S", batch);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(verdicts(response)).containsExactly("counted", "counted", "counted");
        assertThat(JSON.readTree(response.body()).get("events")).extracting(e -> e.get("index").asInt()).containsExactly(0, 1, 2);
        awaitSignedCny(before.add(new BigDecimal("6.00")));
    }

    @Test
    void shouldAnswerDuplicateForARedeliveryAndCountItOnce() throws Exception {
        final ObjectNode event = event("kunshan", "11.00");
        final BigDecimal before = signedCny();

        publish(kunshan, "?wait=PT10S", event);
        final HttpResponse<String> again = publish(kunshan, "?wait=PT10S", event);

        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(verdicts(again)).containsExactly("duplicate");
        awaitSignedCny(before.add(new BigDecimal("11.00")));
    }

    @Test
    void shouldAnswerRejectedWithTheReasonForAConflictingReuseOfAnId() throws Exception {
        final ObjectNode event = event("kunshan", "12.00");
        publish(kunshan, "?wait=PT10S", event);
        final ObjectNode conflicting = event.deepCopy();
        ((ObjectNode) conflicting.get("amount")).put("value", "13.00");

        final HttpResponse<String> response = publish(kunshan, "?wait=PT10S", conflicting);

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode verdict = JSON.readTree(response.body()).get("events").get(0);
        assertThat(verdict.get("verdict").asText()).isEqualTo("rejected");
        assertThat(verdict.get("reason").asText()).isEqualTo("conflicting duplicate");
    }

    @Test
    void shouldAnswerCorrectedForACorrectionAndMoveTheTotalsByTheDifference() throws Exception {
        final ObjectNode original = event("kunshan", "50.00");
        publish(kunshan, "?wait=PT10S", original);
        final BigDecimal before = signedCny();
        final ObjectNode correction = event("kunshan", "45.00");
        correction.set("project", original.get("project"));
        correction.put("corrects", original.get("eventId").asText());

        final HttpResponse<String> response = publish(kunshan, "?wait=PT10S", correction);

        assertThat(response.statusCode()).isEqualTo(200);
        final JsonNode verdict = JSON.readTree(response.body()).get("events").get(0);
        assertThat(verdict.get("verdict").asText()).isEqualTo("corrected");
        assertThat(verdict.get("corrects").asText()).isEqualTo(original.get("eventId").asText());
        awaitSignedCny(before.subtract(new BigDecimal("5.00")));
    }

    @Test
    void shouldAcceptNationalCodesForDistrictAndSector() throws Exception {
        final ObjectNode event = event("kunshan", "9.00");
        event.put("district", "320583");
        event.put("sector", "3973");

        final HttpResponse<String> response = publish(kunshan, "?wait=PT10S", event);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(verdicts(response)).containsExactly("counted");
    }

    @Test
    void shouldStampTheOfficeAsPublisherWhateverTheClientSays() throws Exception {
        final ObjectNode event = event("kunshan", "4.00");
        event.put("source", "someone-else");

        publish(kunshan, "?wait=PT10S", event);

        final JsonNode story = JSON.readTree(get("/api/projects/" + event.get("project").get("id").asText()).body());
        assertThat(story.get("history").get(0).get("publisher").asText()).isEqualTo("office:kunshan");
    }

    @Test
    void shouldAnswerPendingWhenTheWaitEndsBeforeTheLedgerJudgedAndTheVerdictLater() throws Exception {
        final ObjectNode event = event("kunshan", "8.00");
        node.streams().pause();
        final HttpResponse<String> response;
        try {
            response = publish(kunshan, "?wait=PT1S", event);
        } finally {
            node.streams().resume();
        }

        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(verdicts(response)).containsExactly("pending");
        final String path = "/api/events/" + event.get("eventId").asText() + "/verdict?project="
                + event.get("project").get("id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> get(path).statusCode() == 200);
        assertThat(JSON.readTree(get(path).body()).get("verdict").asText()).isEqualTo("counted");
        final JsonNode asked = JSON.readTree(response.body()).get("events").get(0);
        final HttpResponse<String> later = post("/api/verdicts?wait=PT10S", null, "application/json",
                "[{\"project\":\"" + asked.get("project").asText() + "\",\"eventId\":\"" + asked.get("eventId").asText()
                        + "\",\"partition\":" + asked.get("partition").asInt() + ",\"offset\":" + asked.get("offset").asLong() + "}]");
        assertThat(later.statusCode()).isEqualTo(200);
        assertThat(verdicts(later)).containsExactly("counted");
    }

    // --- refused: nothing reaches the topic ---

    @Test
    void shouldRefuseMalformedJson() throws Exception {
        final HttpResponse<String> response = refused(() -> post("/api/events", kunshan, "application/json", "{\"eventId\": "));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("field").asText()).isEqualTo("$");
        assertThat(JSON.readTree(response.body()).get("error").asText()).startsWith("$: is not valid JSON");
    }

    @Test
    void shouldRefuseFieldsOfTheWrongJsonType() throws Exception {
        final ObjectNode event = event("kunshan", "1.00");
        event.put("district", 42);

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(problems(response)).contains("0 district: must be a string");
    }

    @Test
    void shouldRefuseMoneyAsAJsonNumber() throws Exception {
        final ObjectNode event = event("kunshan", "1.00");
        ((ObjectNode) event.get("amount")).put("value", new BigDecimal("1.10"));

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(problems(response)).contains("0 amount.value: must be a decimal string such as \"1500000000.00\"");
    }

    @Test
    void shouldRefuseMissingFieldsNamingEach() throws Exception {
        final ObjectNode event = event("kunshan", "1.00");
        event.remove("occurredAt");
        event.remove("sector");

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(problems(response)).contains("0 occurredAt: is required", "0 sector: is required");
    }

    @Test
    void shouldRefuseUnknownCodes() throws Exception {
        final ObjectNode event = event("kunshan", "1.00");
        event.put("sector", "shipbuilding");

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(problems(response)).contains("0 sector: unknown sector 'shipbuilding'");
    }

    @Test
    void shouldRefuseAnAmountBeyondWhatTheEventsCanHold() throws Exception {
        final ObjectNode event = event("kunshan", "123456789012345678901.00");

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(problems(response)).contains(
                "0 amount.value: has more than 20 digits before the decimal point, more than the ledger's events can hold");
    }

    @Test
    void shouldRefuseAWholeBatchWhenOneEventIsBad() throws Exception {
        final ObjectNode bad = event("kunshan", "1.00");
        ((ObjectNode) bad.get("amount")).put("value", "-1.00");
        final ArrayNode batch = JSON.createArrayNode().add(event("kunshan", "1.00")).add(bad).add(event("kunshan", "1.00"));

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", batch));

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("1 of 3 events are invalid, so none was published");
        assertThat(problems(response)).containsExactly("1 amount.value: must not be negative");
    }

    @Test
    void shouldRefuseAnEventOfAnotherDistrictNamingBoth() throws Exception {
        final HttpResponse<String> response = refused(() -> publish(kunshan, "", event("wujiang", "1.00")));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("error").asText())
                .contains("office 'kunshan'").contains("district 'wujiang'");
    }

    @Test
    void shouldRefuseACorrectionOfAnotherDistrictsEvent() throws Exception {
        final ObjectNode theirs = event("wujiang", "30.00");
        assertThat(verdicts(publish(wujiang, "?wait=PT10S", theirs))).containsExactly("counted");
        final ObjectNode correction = event("kunshan", "1.00");
        correction.set("project", theirs.get("project"));
        correction.put("corrects", theirs.get("eventId").asText());

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", correction));

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("'kunshan'").contains("'wujiang'")
                .contains(theirs.get("eventId").asText());
    }

    @Test
    void shouldRefuseARequestWithoutAToken() throws Exception {
        final HttpResponse<String> response = refused(() -> post("/api/events", null, "application/json",
                event("kunshan", "1.00").toString()));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("bearer token is required");
    }

    @Test
    void shouldRefuseAnUnknownToken() throws Exception {
        final HttpResponse<String> response = refused(() -> publish("ldg_nobody.not-a-secret", "", event("kunshan", "1.00")));

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).doesNotContain("not-a-secret");
    }

    @Test
    void shouldRefuseMoreThanAThousandEventsNamingTheLimit() throws Exception {
        final ArrayNode batch = JSON.createArrayNode();
        for (int i = 0; i < 1_001; i++) {
            batch.add(event("kunshan", "1.00"));
        }

        final HttpResponse<String> response = refused(() -> publish(kunshan, "", batch));

        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(JSON.readTree(response.body()).get("limit").asInt()).isEqualTo(1_000);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("at most 1000 events");
    }

    @Test
    void shouldRefuseABodyOverOneMebibyte() throws Exception {
        final String response = withoutRecords(() -> headersAnnouncing(2 << 20));

        assertThat(response).startsWith("HTTP/1.1 413").contains("at most 1048576 bytes");
    }

    @Test
    void shouldRefuseAnotherContentType() throws Exception {
        final HttpResponse<String> response = refused(() -> post("/api/events", kunshan, "text/csv", "eventId\nx\n"));

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(JSON.readTree(response.body()).get("error").asText()).contains("application/json").contains("text/csv");
    }

    @Test
    void shouldRefuseThePeersEndpointsWithoutTheClusterSecret() throws Exception {
        assertThat(get("/internal/instance").statusCode()).isEqualTo(403);
        final HttpResponse<String> peer = http.send(HttpRequest.newBuilder(uri("/internal/instance"))
                .header(ClusterSecret.HEADER, SECRET.value()).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(peer.statusCode()).isEqualTo(200);
    }

    // --- helpers ---

    /** A signing of {@code district} with a fresh id and project. */
    private ObjectNode event(final String district, final String amount) throws Exception {
        final int n = serial.incrementAndGet();
        final LedgerEvent event = TestEvents.signing("it-" + n, district, "semiconductors", "1.00", "CNY");
        final ObjectNode json = (ObjectNode) JSON.readTree(ingest.write(event));
        ((ObjectNode) json.get("amount")).put("value", amount);
        return json;
    }

    /** Runs a request that must be refused, and checks the topic got nothing of it. */
    private HttpResponse<String> refused(final Request<HttpResponse<String>> request) throws Exception {
        return withoutRecords(() -> {
            final HttpResponse<String> response = request.send();
            assertThat(response.statusCode()).as(response.body()).isGreaterThanOrEqualTo(400);
            return response;
        });
    }

    /** Runs {@code request}, and checks the topic got nothing of it. */
    private <T> T withoutRecords(final Request<T> request) throws Exception {
        final long before = topicEnd();
        final T answer = request.send();
        assertThat(topicEnd()).as("records on the topic after a refused request").isEqualTo(before);
        return answer;
    }

    /**
     * The raw answer to a publish whose headers announce a body of {@code length} bytes, sent
     * without the body: the server refuses on the announced length and closes the connection, and a
     * client streaming the body meanwhile may see the close before the answer (it did, once, in CI);
     * the JDK's client hangs on a refusal of an Expect: 100-continue request.
     */
    private String headersAnnouncing(final int length) throws IOException {
        final URI target = uri("/api/events");
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            // a server that never answers fails the test instead of hanging it
            socket.setSoTimeout(60_000);
            final String head = "POST " + target.getPath() + " HTTP/1.1\r\nHost: " + target.getHost() + ":" + target.getPort()
                    + "\r\nAuthorization: Bearer " + kunshan + "\r\nContent-Type: application/json\r\nContent-Length: "
                    + length + "\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @FunctionalInterface
    private interface Request<T> {
        T send() throws Exception;
    }

    private HttpResponse<String> publish(final String token, final String query, final JsonNode body) throws Exception {
        return post("/api/events" + query, token, "application/json", body.toString());
    }

    private HttpResponse<String> post(final String path, final String token, final String contentType, final String body)
            throws Exception {
        final HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(final String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(final String path) {
        return URI.create("http://localhost:" + node.httpPort() + path);
    }

    private static List<String> verdicts(final HttpResponse<String> response) throws Exception {
        final List<String> verdicts = new ArrayList<>();
        JSON.readTree(response.body()).get("events").forEach(e -> verdicts.add(e.get("verdict").asText()));
        return verdicts;
    }

    private static List<String> problems(final HttpResponse<String> response) throws Exception {
        final List<String> problems = new ArrayList<>();
        JSON.readTree(response.body()).get("problems").forEach(p -> problems.add(p.get("index").asInt() + " "
                + p.get("field").asText() + ": " + p.get("reason").asText()));
        return problems;
    }

    /** Records on the events topic, all partitions. */
    private long topicEnd() throws Exception {
        final Map<TopicPartition, OffsetSpec> latest = IntStream.range(0, Topics.DEFAULT_PARTITIONS).boxed()
                .collect(Collectors.toMap(p -> new TopicPartition(Topics.EVENTS, p), p -> OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get().values().stream().mapToLong(info -> info.offset()).sum();
    }

    private BigDecimal signedCny() {
        final Totals totals = await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> node.totals().summary(Ask.NOW).value().totals(), t -> true);
        return totals.signing().amounts().getOrDefault("CNY", BigDecimal.ZERO);
    }

    private void awaitSignedCny(final BigDecimal expected) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> assertThat(
                node.totals().summary(Ask.NOW).value().totals().signing().amounts().getOrDefault("CNY", BigDecimal.ZERO))
                .isEqualByComparingTo(expected));
    }
}
