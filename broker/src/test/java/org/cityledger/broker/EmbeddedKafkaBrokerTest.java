package org.cityledger.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EmbeddedKafkaBrokerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void shouldDeliverOnlyCommittedTransactionalRecordsFromTopicWithLeaders() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopic("ledger.test", 3, Map.of("min.insync.replicas", "1"));

            try (Admin admin = admin(broker)) {
                final TopicDescription description = admin.describeTopics(List.of("ledger.test"))
                        .allTopicNames().get(30, TimeUnit.SECONDS).get("ledger.test");
                assertThat(description.partitions()).hasSize(3)
                        .allSatisfy(partition -> assertThat(partition.leader()).isNotNull());
            }

            try (KafkaProducer<String, String> producer = transactionalProducer(broker, "ledger-test-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>("ledger.test", i % 3, "key-" + i, "committed-" + i));
                }
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("ledger.test", 0, "key-x", "aborted"));
                producer.flush();
                producer.abortTransaction();

                // A marker record after the abort proves the consumer read past the aborted batch.
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("ledger.test", 0, "key-end", "committed-end"));
                producer.commitTransaction();
            }

            final List<String> values = readCommitted(broker, "ledger.test", 31);
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add("committed-" + i);
            }
            expected.add("committed-end");
            assertThat(values).containsExactlyInAnyOrderElementsOf(expected).doesNotContain("aborted");
        }
    }

    @Test
    void shouldTreatAlreadyExistingTopicAsCreated() throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().numPartitions(2).build().start()) {
            broker.createTopics(new NewTopic("twice", 4, (short) 1),
                    new NewTopic("defaults", Optional.empty(), Optional.empty()));
            broker.createTopic("twice", 4, Map.of());

            try (Admin admin = admin(broker)) {
                final Map<String, TopicDescription> topics = admin.describeTopics(List.of("twice", "defaults"))
                        .allTopicNames().get(30, TimeUnit.SECONDS);
                assertThat(topics.get("twice").partitions()).hasSize(4);
                assertThat(topics.get("defaults").partitions()).as("num.partitions default").hasSize(2);
            }
        }
    }

    @Test
    void shouldDeleteLogDirOnCloseAndAllowClosingTwice() {
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start();
        final Path logDir = broker.logDir();
        broker.createTopic("to-be-deleted", 1, Map.of());
        assertThat(logDir.resolve("meta.properties")).exists();
        assertThat(logDir.resolve("to-be-deleted-0")).isDirectory();

        broker.close();
        broker.close();

        assertThat(logDir).doesNotExist();
        assertThat(broker.isRunning()).isFalse();
        assertThatThrownBy(() -> broker.createTopic("after-close", 1, Map.of()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldKeepLogDirAndDataAcrossRestartWhenNotDeletingOnClose(@TempDir final Path tempDir) throws Exception {
        final Path logDir = tempDir.resolve("kafka");
        final int[] ports = freePorts();
        final EmbeddedKafkaBroker.Builder builder = EmbeddedKafkaBroker.builder()
                .logDir(logDir).deleteOnClose(false).port(ports[0]).controllerPort(ports[1]);

        try (EmbeddedKafkaBroker first = builder.build().start()) {
            first.createTopic("kept", 1, Map.of());
            try (KafkaProducer<String, String> producer = transactionalProducer(first, "kept-tx")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("kept", "k", "survives restart"));
                producer.commitTransaction();
            }
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafkaBroker second = builder.build().start()) {
            assertThat(second.bootstrapServers()).isEqualTo("127.0.0.1:" + ports[0]);
            second.createTopic("kept", 1, Map.of());
            assertThat(readCommitted(second, "kept", 1)).containsExactly("survives restart");
        }
    }

    @Test
    void shouldRunTwoBrokersAtOnceOnDifferentPorts() throws Exception {
        try (EmbeddedKafkaBroker first = EmbeddedKafkaBroker.builder().build().start();
             EmbeddedKafkaBroker second = EmbeddedKafkaBroker.builder().build().start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.bootstrapServers()).isEqualTo("127.0.0.1:" + first.port());
            assertThat(first.logDir()).isNotEqualTo(second.logDir());

            first.createTopic("only-on-first", 1, Map.of());
            second.createTopic("only-on-second", 2, Map.of());

            try (Admin firstAdmin = admin(first); Admin secondAdmin = admin(second)) {
                final Set<String> firstTopics = firstAdmin.listTopics().names().get(30, TimeUnit.SECONDS);
                final Set<String> secondTopics = secondAdmin.listTopics().names().get(30, TimeUnit.SECONDS);
                assertThat(firstTopics).contains("only-on-first").doesNotContain("only-on-second");
                assertThat(secondTopics).contains("only-on-second").doesNotContain("only-on-first");
                final List<Node> nodes = new ArrayList<>(
                        secondAdmin.describeCluster().nodes().get(30, TimeUnit.SECONDS));
                assertThat(nodes).singleElement().extracting(Node::port).isEqualTo(second.port());
            }
        }
    }

    @Test
    void shouldLeaveNoNonDaemonThreadsBehindAfterClose() {
        final Set<Thread> before = liveNonDaemonThreads();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build().start()) {
            broker.createTopic("threads", 1, Map.of());
        }
        // Some threads finish just after their owner's shutdown returns, so give them a moment;
        // polling on this thread keeps Awaitility's own poller out of the count.
        await().atMost(WAIT).pollInSameThread().untilAsserted(() -> assertThat(threadNames(liveNonDaemonThreads(), before)).isEmpty());
    }

    @Test
    void shouldRejectUseBeforeStartAndSecondStart() {
        final EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().build();
        assertThatThrownBy(broker::bootstrapServers).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> broker.createTopic("early", 1, Map.of())).isInstanceOf(IllegalStateException.class);
        broker.close();
        assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class);
    }

    private static Admin admin(final EmbeddedKafkaBroker broker) {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        return Admin.create(props);
    }

    private static KafkaProducer<String, String> transactionalProducer(final EmbeddedKafkaBroker broker,
                                                                       final String transactionalId) {
        final Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static List<String> readCommitted(final EmbeddedKafkaBroker broker, final String topic, final int expected)
            throws Exception {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        final List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
             Admin admin = admin(broker)) {
            final List<TopicPartition> partitions = new ArrayList<>();
            for (final TopicPartitionInfo info : admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(topic).partitions()) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(WAIT).untilAsserted(() -> {
                for (final ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                assertThat(values).hasSizeGreaterThanOrEqualTo(expected);
            });
            // One more poll shows nothing unexpected trails the records we waited for.
            consumer.poll(Duration.ofMillis(200)).forEach(record -> values.add(record.value()));
        }
        return values;
    }

    private static int[] freePorts() throws IOException {
        try (ServerSocket a = new ServerSocket(); ServerSocket b = new ServerSocket()) {
            a.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            b.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return new int[] {a.getLocalPort(), b.getLocalPort()};
        }
    }

    private static Set<Thread> liveNonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.isAlive() && !thread.isDaemon())
                .collect(Collectors.toSet());
    }

    private static List<String> threadNames(final Set<Thread> threads, final Set<Thread> excluded) {
        return threads.stream().filter(thread -> !excluded.contains(thread)).map(Thread::getName).sorted()
                .collect(Collectors.toList());
    }
}
