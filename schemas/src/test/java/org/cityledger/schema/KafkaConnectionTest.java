package org.cityledger.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KafkaConnectionTest {

    @TempDir
    Path dir;

    @Test
    void shouldPassTheFilesSecuritySettingsToEveryClient() throws IOException {
        final Path file = write("security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
                + "ssl.truststore.location=/tmp/trust.p12\n");

        final Properties props = KafkaConnection.of("k1:9093", file).clientProperties();

        assertThat(props).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("ssl.truststore.location", "/tmp/trust.p12").containsEntry("bootstrap.servers", "k1:9093");
    }

    @Test
    void shouldLetTheFileOverrideAClientsTuningDefaults() {
        final Properties defaults = new Properties();
        defaults.put("linger.ms", "20");
        defaults.put("compression.type", "lz4");

        final Properties props = new KafkaConnection("k1:9092", Map.of("linger.ms", "5")).clientProperties(defaults);

        assertThat(props).containsEntry("linger.ms", "5").containsEntry("compression.type", "lz4");
    }

    @Test
    void shouldRefuseASerializerNamingTheKey() {
        assertThatThrownBy(() -> new KafkaConnection("k1:9092", Map.of("value.serializer", "x.Y")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'value.serializer'");
    }

    @Test
    void shouldRefuseATransactionalIdEvenPrefixedForStreamsProducers() {
        assertThatThrownBy(() -> new KafkaConnection("k1:9092", Map.of("producer.transactional.id", "t")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'producer.transactional.id'")
                .hasMessageContaining("the ledger sets transactional.id itself");
    }

    @Test
    void shouldRefuseBootstrapServersInTheFile() throws IOException {
        final Path file = write("bootstrap.servers=elsewhere:9092\n");

        assertThatThrownBy(() -> KafkaConnection.of("k1:9092", file))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(file.toString())
                .hasMessageContaining("'bootstrap.servers'");
    }

    @Test
    void shouldNameAMissingFile() {
        final Path missing = dir.resolve("missing.properties");

        assertThatThrownBy(() -> KafkaConnection.of("k1:9092", missing))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no such file");
    }

    @Test
    void shouldBePlainWithoutAFile() {
        assertThat(KafkaConnection.of("k1:9092", null)).isEqualTo(KafkaConnection.plain("k1:9092"));
    }

    @Test
    void shouldKeepSecretsOutOfItsText() {
        final KafkaConnection connection = new KafkaConnection("k1:9092",
                Map.of("sasl.jaas.config", "ScramLoginModule required username=\"a\" password=\"hunter2\";"));

        assertThat(connection.toString()).doesNotContain("hunter2").contains("sasl.jaas.config");
    }

    @Test
    void shouldTellTlsFromPlaintext() {
        assertThat(new KafkaConnection("k:1", Map.of("security.protocol", "SASL_SSL")).usesTls()).isTrue();
        assertThat(KafkaConnection.plain("k:1").usesTls()).isFalse();
    }

    private Path write(final String text) throws IOException {
        final Path file = dir.resolve("client.properties");
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
