package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.producers.LedgerPublisher;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import org.cityledger.streams.query.Ask;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code ledger run --bootstrap-servers ... --inboxes} on a cluster the ledger did not start: it
 * creates the inbox topics it reads, and names the ACLs only an administrator may grant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class InboxesOnOwnClusterIT {

    private static final int PARTITIONS = 3;

    private EmbeddedKafkaBroker broker;
    private LedgerRuntime runtime;
    private Admin admin;

    @BeforeAll
    void start(@TempDir final Path dir) throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        final RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs("--bootstrap-servers", broker.bootstrapServers(), "--inboxes", "--http-port", "0",
                "--partitions", Integer.toString(PARTITIONS), "--stream-threads", "1", "--state-dir", dir.resolve("state").toString());
        runtime = LedgerRuntime.start(command.options);
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        admin = Admin.create(props);
    }

    @AfterAll
    void stop() {
        if (admin != null) {
            admin.close();
        }
        if (runtime != null) {
            runtime.close();
        }
        broker.close();
    }

    @Test
    void shouldCreateEveryDistrictsInboxWithTheEventsTopicsPartitions() throws Exception {
        final List<String> inboxes = Reference.DISTRICTS.stream().map(d -> Topics.inbox(d.code())).toList();

        final Map<String, TopicDescription> described = admin.describeTopics(inboxes).allTopicNames().get(30, TimeUnit.SECONDS);

        assertThat(described.keySet()).containsExactlyInAnyOrderElementsOf(inboxes);
        assertThat(described.values()).allSatisfy(topic -> assertThat(topic.partitions()).hasSize(PARTITIONS));
    }

    @Test
    void shouldMoveWhatAnOfficeWritesIntoItsCreatedInbox() throws Exception {
        try (LedgerPublisher office = new LedgerPublisher(KafkaConnection.plain(broker.bootstrapServers()), new Properties(),
                Topics.inbox("kunshan"))) {
            office.publish(LedgerEvent.builder(EventKind.SIGNING).eventId("own-1").occurredAt(Instant.parse("2022-02-10T01:30:00Z"))
                    .district("kunshan").sector("displays").project(new ProjectRef("OWN-1", "Panel line", "Panel Co.", "strategic-emerging"))
                    .amount(Amount.of("10.00", "CNY")).build()).get(30, TimeUnit.SECONDS);
        }

        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() ->
                runtime.node().totals().district("kunshan", Ask.NOW).value().totals().events() == 1);
        assertThat(runtime.node().totals().summary(Ask.NOW).value().totals().events()).isEqualTo(1);
    }

    @Test
    void shouldTellTheOperatorTheKafkaAclsCommandsToGrant() {
        // this broker has no authorizer, so the ledger cannot see ACLs and names them all
        assertThat(runtime.aclAdvice()).isNotEmpty();
        assertThat(runtime.aclAdvice().get(0)).contains("cannot see the cluster's ACLs");
        assertThat(runtime.aclAdvice()).contains("  kafka-acls.sh --bootstrap-server " + broker.bootstrapServers()
                + " --command-config <admin.properties> --add --allow-principal User:kunshan --operation Write --operation Describe"
                + " --topic ledger.inbox.kunshan");
    }
}
