package org.cityledger.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The secured embedded broker against real clients: TLS, SCRAM, and nothing allowed without an ACL. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SecuredBrokerIT {

    private static final String TOPIC = "secured.test";

    @TempDir
    static Path dir;

    private static EmbeddedKafkaBroker broker;

    @BeforeAll
    static void start() {
        final BrokerSecurity security = BrokerSecurity.prepare(dir.resolve("security"), List.of("ledger", "kunshan"));
        broker = EmbeddedKafkaBroker.builder().secured(security, List.of("ledger")).build().start();
        broker.createTopic(TOPIC, 1, Map.of());
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldLetTheSuperUserWriteOverTls() throws Exception {
        try (KafkaProducer<String, String> producer = producer(broker.security().clientSettings("ledger"))) {
            assertThat(producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS).offset()).isNotNegative();
        }
    }

    @Test
    void shouldRefuseAUserWithoutAnAclOnTheTopic() {
        try (KafkaProducer<String, String> producer = producer(broker.security().clientSettings("kunshan"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, "k", "v")).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
        }
    }

    @Test
    void shouldRefuseAWrongPassword() {
        try (Admin admin = admin(broker.security().clientSettingsWithPassword("kunshan", "not-the-password"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    @Test
    void shouldRefuseAClientWithoutCredentials() {
        // TLS but no SASL handshake: the listener never lets it through to a request
        try (Admin admin = admin(broker.security().tlsOnlySettings())) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void shouldRefuseAPlaintextClient() {
        try (Admin admin = admin(Map.of())) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS)).isNotNull();
        }
    }

    @Test
    void shouldKeepPasswordsReadableByTheOwnerOnly() throws Exception {
        final BrokerSecurity security = broker.security();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(security.dir().resolve(BrokerSecurity.PASSWORDS))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(security.clientConfig("kunshan"))))
                .isEqualTo("rw-------");
    }

    @Test
    void shouldReuseThePasswordsAndCertificatesOnTheNextStart() {
        final BrokerSecurity again = BrokerSecurity.prepare(broker.security().dir(), List.of("ledger", "kunshan"));

        assertThat(again.clientSettings("kunshan")).isEqualTo(broker.security().clientSettings("kunshan"));
        assertThat(again.keystorePassword()).isEqualTo(broker.security().keystorePassword());
    }

    private static KafkaProducer<String, String> producer(final Map<String, String> settings) {
        final Properties props = new Properties();
        props.putAll(settings);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "20000");
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static Admin admin(final Map<String, String> settings) {
        final Properties props = new Properties();
        props.putAll(settings);
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        return Admin.create(props);
    }
}
