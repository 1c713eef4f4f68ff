package org.cityledger.broker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The real Kafka broker of an integration test: the embedded one, or with
 * {@code -Dledger.it.broker=container} (the {@code containers} Maven profile) the official
 * {@code apache/kafka} image at the client's version in a container, so one set of tests runs on both.
 */
public final class TestBroker implements AutoCloseable {

    /** System property choosing the broker: {@value #EMBEDDED} (default) or {@value #CONTAINER}. */
    public static final String PROPERTY = "ledger.it.broker";
    public static final String EMBEDDED = "embedded";
    public static final String CONTAINER = "container";
    /** System property naming another image than {@code apache/kafka:<client version>}. */
    public static final String IMAGE_PROPERTY = "ledger.it.kafka-image";

    private final EmbeddedKafkaBroker embedded;
    private final KafkaContainer container;

    private TestBroker(final EmbeddedKafkaBroker embedded, final KafkaContainer container) {
        this.embedded = embedded;
        this.container = container;
    }

    /** Starts the broker the {@value #PROPERTY} system property chooses. */
    public static TestBroker start() {
        final String kind = System.getProperty(PROPERTY, EMBEDDED).trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case EMBEDDED -> new TestBroker(EmbeddedKafkaBroker.builder().build().start(), null);
            case CONTAINER -> {
                final KafkaContainer kafka = new KafkaContainer(DockerImageName.parse(image()));
                kafka.start();
                yield new TestBroker(null, kafka);
            }
            default -> throw new IllegalArgumentException(PROPERTY + " must be " + EMBEDDED + " or " + CONTAINER + ", was " + kind);
        };
    }

    /** The image of the container broker: the official one at the version of the Kafka client on the class path. */
    public static String image() {
        return System.getProperty(IMAGE_PROPERTY, "apache/kafka:" + clientVersion());
    }

    /** The version kafka-clients states in its jar (what its own AppInfoParser reports). */
    private static String clientVersion() {
        try (InputStream in = Admin.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in == null) {
                throw new IllegalStateException("kafka-clients carries no kafka/kafka-version.properties");
            }
            final Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return embedded != null ? embedded.bootstrapServers() : container.getBootstrapServers();
    }

    /** Which broker this is, for test logs. */
    @Override
    public String toString() {
        return embedded != null ? "embedded broker at " + bootstrapServers() : image() + " at " + bootstrapServers();
    }

    @Override
    public void close() {
        if (embedded != null) {
            embedded.close();
        } else {
            container.stop();
        }
    }
}
