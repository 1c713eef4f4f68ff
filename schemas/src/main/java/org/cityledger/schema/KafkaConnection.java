package org.cityledger.schema;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * How every Kafka client of a command reaches the cluster: the bootstrap servers and the operator's
 * own client settings ({@code --kafka-config FILE}: {@code security.protocol}, {@code sasl.*},
 * {@code ssl.*}, timeouts ...). The one place those settings are merged into a client's, so that a
 * producer, a consumer, an admin and Kafka Streams (whose internal clients take unprefixed settings
 * too) all authenticate alike.
 *
 * <p>Keys the ledger must own itself are refused when the connection is made, naming the key: the
 * serializers, transactions, idempotence and acknowledgements (exactly-once depends on them), group
 * and application ids (they name the ledger's state), and the bootstrap servers (given on their own).
 *
 * @param bootstrapServers the cluster, {@code host:port[,...]}
 * @param properties       the extra client settings, applied over each client's own defaults
 */
public record KafkaConnection(String bootstrapServers, Map<String, String> properties) {

    /** Client settings the ledger sets itself; a client properties file may not. */
    public static final Set<String> RESERVED = Set.of(
            "bootstrap.servers",
            "key.serializer", "value.serializer", "key.deserializer", "value.deserializer",
            "transactional.id", "enable.idempotence", "acks", "isolation.level",
            "group.id", "group.instance.id", "enable.auto.commit",
            "application.id", "processing.guarantee", "default.key.serde", "default.value.serde", "state.dir");

    /** Prefixes Kafka Streams uses to route a setting to one of its clients; the reserved keys stay reserved under them. */
    private static final String[] CLIENT_PREFIXES = {"producer.", "consumer.", "main.consumer.", "restore.consumer.",
        "global.consumer.", "admin."};

    public KafkaConnection {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers: is required");
        }
        Objects.requireNonNull(properties, "properties");
        for (final Map.Entry<String, String> entry : properties.entrySet()) {
            final String reserved = reservedKey(entry.getKey());
            if (reserved != null) {
                throw new IllegalArgumentException("Kafka client setting '" + entry.getKey()
                        + "' is not allowed in a client properties file: the ledger sets " + reserved + " itself");
            }
            Objects.requireNonNull(entry.getValue(), entry.getKey());
        }
        properties = Collections.unmodifiableMap(new TreeMap<>(properties));
    }

    /** A connection with no settings but the servers: a PLAINTEXT cluster. */
    public static KafkaConnection plain(final String bootstrapServers) {
        return new KafkaConnection(bootstrapServers, Map.of());
    }

    /**
     * A connection to {@code bootstrapServers} with the settings of a standard client properties file
     * (as Kafka's own tools take with {@code --command-config}); {@code file} null means none.
     *
     * @throws IllegalArgumentException if the file is missing, unreadable or sets a reserved key
     */
    public static KafkaConnection of(final String bootstrapServers, final Path file) {
        if (file == null) {
            return plain(bootstrapServers);
        }
        final Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            loaded.load(reader);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException("--kafka-config: no such file: " + file, e);
        } catch (final IOException e) {
            throw new UncheckedIOException("--kafka-config: cannot read " + file, e);
        }
        final Map<String, String> settings = new LinkedHashMap<>();
        for (final String name : loaded.stringPropertyNames()) {
            settings.put(name, loaded.getProperty(name).strip());
        }
        try {
            return new KafkaConnection(bootstrapServers, settings);
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("--kafka-config " + file + ": " + e.getMessage(), e);
        }
    }

    /** This connection with more settings (a later value wins); the same rules apply to them. */
    public KafkaConnection with(final Map<String, String> more) {
        final Map<String, String> merged = new LinkedHashMap<>(properties);
        merged.putAll(more);
        return new KafkaConnection(bootstrapServers, merged);
    }

    /** Whether the settings ask for TLS ({@code SSL} or {@code SASL_SSL}). */
    public boolean usesTls() {
        return properties.getOrDefault("security.protocol", "PLAINTEXT").toUpperCase(Locale.ROOT).endsWith("SSL");
    }

    /**
     * A client's settings: {@code defaults} (the client's own tuning), then this connection's
     * settings over them, then the bootstrap servers. The caller sets its reserved keys afterwards.
     */
    public Properties clientProperties(final Properties defaults) {
        final Properties props = new Properties();
        props.putAll(defaults);
        props.putAll(properties);
        props.put("bootstrap.servers", bootstrapServers);
        return props;
    }

    /** The settings of a client with no defaults of its own: an admin, a plain consumer. */
    public Properties clientProperties() {
        return clientProperties(new Properties());
    }

    /** The key this setting sets that the ledger owns, or null if it is the operator's to set. */
    private static String reservedKey(final String key) {
        if (RESERVED.contains(key)) {
            return key;
        }
        for (final String prefix : CLIENT_PREFIXES) {
            if (key.startsWith(prefix) && RESERVED.contains(key.substring(prefix.length()))) {
                return key.substring(prefix.length());
            }
        }
        return null;
    }

    @Override
    public String toString() {
        // sasl.jaas.config and the store passwords are secrets: names only
        return "KafkaConnection[" + bootstrapServers + ", settings " + properties.keySet() + "]";
    }
}
