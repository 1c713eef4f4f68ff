package org.cityledger.broker;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a secured embedded broker needs, kept in one directory and made there on first use: a CA, the
 * broker's certificate signed by it (for {@code localhost} and {@code 127.0.0.1}) in a PKCS12
 * keystore, a PKCS12 truststore holding the CA for clients, and a SCRAM password per user. Later
 * starts on the same directory reuse all of it, so clients keep working across restarts.
 *
 * <p>Secrets stay in files readable by their owner only ({@code rw-------}): {@code passwords.properties},
 * and per user a ready client properties file {@code clients/USER.properties} (SASL_SSL, SCRAM-SHA-512,
 * the truststore) that any Kafka client, and {@code --kafka-config}, takes as it is. Nothing here logs
 * a password. The certificates are made with the JDK's {@code keytool}, so no extra library is needed.
 */
public final class BrokerSecurity {

    /** The SCRAM mechanism of the secured listener. */
    public static final String MECHANISM = "SCRAM-SHA-512";
    public static final String KEYSTORE = "broker-keystore.p12";
    public static final String TRUSTSTORE = "truststore.p12";
    public static final String CA_CERTIFICATE = "ca.crt";
    static final String PASSWORDS = "passwords.properties";
    static final String CLIENTS = "clients";

    private static final Logger LOG = LoggerFactory.getLogger(BrokerSecurity.class);
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final String KEYSTORE_PASSWORD = "store.keystore";
    private static final String TRUSTSTORE_PASSWORD = "store.truststore";
    private static final String CA_PASSWORD = "store.ca";
    private static final String USER_PREFIX = "user.";
    private static final int VALIDITY_DAYS = 3650;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Map<String, String> passwords;
    private final String keystorePassword;
    private final String truststorePassword;

    private BrokerSecurity(final Path dir, final Map<String, String> passwords, final String keystorePassword,
                           final String truststorePassword) {
        this.dir = dir;
        this.passwords = Map.copyOf(passwords);
        this.keystorePassword = keystorePassword;
        this.truststorePassword = truststorePassword;
    }

    /**
     * Loads the material in {@code dir}, making what is missing: the certificates on first use, a
     * password for each of {@code users} that has none yet, each user's client properties file.
     *
     * @param users the SCRAM users, e.g. {@code ledger} and one per district office
     */
    public static BrokerSecurity prepare(final Path dir, final Collection<String> users) {
        Objects.requireNonNull(dir, "dir");
        try {
            Files.createDirectories(dir);
            restrict(dir, OWNER_ONLY_DIR);
            final Properties stored = loadPasswords(dir.resolve(PASSWORDS));
            boolean changed = false;
            for (final String key : List.of(KEYSTORE_PASSWORD, TRUSTSTORE_PASSWORD, CA_PASSWORD)) {
                if (stored.getProperty(key) == null) {
                    stored.setProperty(key, newPassword());
                    changed = true;
                }
            }
            for (final String user : users) {
                requireUserName(user);
                if (stored.getProperty(USER_PREFIX + user) == null) {
                    stored.setProperty(USER_PREFIX + user, newPassword());
                    changed = true;
                }
            }
            if (changed) {
                writeOwnerOnly(dir.resolve(PASSWORDS), passwordsText(stored));
            }
            if (!Files.exists(dir.resolve(KEYSTORE)) || !Files.exists(dir.resolve(TRUSTSTORE))) {
                makeCertificates(dir, stored.getProperty(CA_PASSWORD), stored.getProperty(KEYSTORE_PASSWORD),
                        stored.getProperty(TRUSTSTORE_PASSWORD));
            }
            final Map<String, String> userPasswords = new LinkedHashMap<>();
            for (final String name : new TreeSet<>(stored.stringPropertyNames())) {
                if (name.startsWith(USER_PREFIX)) {
                    userPasswords.put(name.substring(USER_PREFIX.length()), stored.getProperty(name));
                }
            }
            final BrokerSecurity security = new BrokerSecurity(dir, userPasswords, stored.getProperty(KEYSTORE_PASSWORD),
                    stored.getProperty(TRUSTSTORE_PASSWORD));
            Files.createDirectories(dir.resolve(CLIENTS));
            restrict(dir.resolve(CLIENTS), OWNER_ONLY_DIR);
            for (final String user : userPasswords.keySet()) {
                writeOwnerOnly(security.clientConfig(user), clientText(security.clientSettings(user)));
            }
            return security;
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot prepare the broker's security material in " + dir, e);
        }
    }

    /** The directory holding it all. */
    public Path dir() {
        return dir;
    }

    /** The PKCS12 truststore clients need to trust the broker (it holds the CA's certificate only). */
    public Path truststore() {
        return dir.resolve(TRUSTSTORE);
    }

    /** The CA's certificate (PEM), for clients that take one rather than a truststore. */
    public Path caCertificate() {
        return dir.resolve(CA_CERTIFICATE);
    }

    /** The broker's PKCS12 keystore (its key and certificate chain); also what an HTTPS server may serve. */
    public Path keystore() {
        return dir.resolve(KEYSTORE);
    }

    /** The keystore's password (also its key's). */
    public String keystorePassword() {
        return keystorePassword;
    }

    /** The truststore's password; it guards nothing secret (the CA's certificate is public), only the file's integrity. */
    public String truststorePassword() {
        return truststorePassword;
    }

    /** The SCRAM users and their passwords. */
    Map<String, String> passwords() {
        return passwords;
    }

    /** The users known here. */
    public Set<String> users() {
        return passwords.keySet();
    }

    /** The ready client properties file of {@code user} (owner-only: it holds the password). */
    public Path clientConfig(final String user) {
        return dir.resolve(CLIENTS).resolve(user + ".properties");
    }

    /** The client settings of {@code user}: SASL_SSL, SCRAM-SHA-512 with its password, the truststore. */
    public Map<String, String> clientSettings(final String user) {
        final String password = passwords.get(user);
        if (password == null) {
            throw new IllegalArgumentException("no SCRAM user '" + user + "' in " + dir);
        }
        return clientSettings(user, password, truststore(), truststorePassword);
    }

    /** Client settings for any user and password (a wrong one, in tests) over this broker's TLS. */
    public Map<String, String> clientSettingsWithPassword(final String user, final String password) {
        return clientSettings(user, password, truststore(), truststorePassword);
    }

    /** TLS to this broker without SASL credentials: what a client that never authenticates has. */
    public Map<String, String> tlsOnlySettings() {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SSL");
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", truststore().toAbsolutePath().toString());
        settings.put("ssl.truststore.password", truststorePassword);
        return settings;
    }

    private static Map<String, String> clientSettings(final String user, final String password, final Path truststore,
                                                      final String truststorePassword) {
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put("security.protocol", "SASL_SSL");
        settings.put("sasl.mechanism", MECHANISM);
        settings.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + password + "\";");
        settings.put("ssl.truststore.type", "PKCS12");
        settings.put("ssl.truststore.location", truststore.toAbsolutePath().toString());
        settings.put("ssl.truststore.password", truststorePassword);
        return settings;
    }

    /** The broker settings of a SASL_SSL listener named {@code listener} with this material. */
    Map<String, String> listenerSettings(final String listener) {
        final String prefix = "listener.name." + listener.toLowerCase(Locale.ROOT) + ".";
        final Map<String, String> settings = new LinkedHashMap<>();
        settings.put(prefix + "sasl.enabled.mechanisms", MECHANISM);
        // the server side of SCRAM needs a login module, no credentials: those are in the cluster metadata
        settings.put(prefix + MECHANISM.toLowerCase(Locale.ROOT) + ".sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        settings.put(prefix + "ssl.keystore.type", "PKCS12");
        settings.put(prefix + "ssl.keystore.location", keystore().toAbsolutePath().toString());
        settings.put(prefix + "ssl.keystore.password", keystorePassword);
        settings.put(prefix + "ssl.key.password", keystorePassword);
        return settings;
    }

    private static void makeCertificates(final Path dir, final String caPassword, final String keystorePassword,
                                         final String truststorePassword) throws IOException {
        final Path ca = dir.resolve("ca.p12");
        final Path keystore = dir.resolve(KEYSTORE);
        final Path truststore = dir.resolve(TRUSTSTORE);
        final Path request = dir.resolve("broker.csr");
        final Path signed = dir.resolve("broker.crt");
        final Path caCert = dir.resolve(CA_CERTIFICATE);
        for (final Path stale : List.of(ca, keystore, truststore, request, signed, caCert)) {
            Files.deleteIfExists(stale);
        }
        final String validity = Integer.toString(VALIDITY_DAYS);
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", validity,
                "-dname", "CN=City Ledger CA", "-ext", "bc:c", "-storetype", "PKCS12",
                "-keystore", ca.toString(), "-storepass", caPassword);
        keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", caPassword,
                "-file", caCert.toString());
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", validity,
                "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", keystorePassword);
        keytool("-certreq", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", keystorePassword,
                "-file", request.toString());
        keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", ca.toString(), "-storepass", caPassword,
                "-infile", request.toString(), "-outfile", signed.toString(), "-validity", validity,
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-ext", "KU=digitalSignature,keyEncipherment",
                "-ext", "EKU=serverAuth,clientAuth");
        // the chain: the CA first, so that the signed reply can be matched to it
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-keystore", keystore.toString(),
                "-storepass", keystorePassword);
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", signed.toString(), "-keystore", keystore.toString(),
                "-storepass", keystorePassword);
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caCert.toString(), "-storetype", "PKCS12",
                "-keystore", truststore.toString(), "-storepass", truststorePassword);
        Files.delete(request);
        Files.delete(signed);
        for (final Path made : List.of(ca, keystore, truststore)) {
            restrict(made, OWNER_ONLY);
        }
        LOG.info("Made a CA and the broker's certificate in {}", dir);
    }

    private static void keytool(final String... args) throws IOException {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output;
        try {
            output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool " + args[0] + " did not finish within 60 s");
            }
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running keytool " + args[0], e);
        }
        if (process.exitValue() != 0) {
            // keytool echoes no passwords; its message says which step failed
            throw new IOException("keytool " + args[0] + " failed with exit code " + process.exitValue() + ": " + output.strip());
        }
    }

    private static Properties loadPasswords(final Path file) throws IOException {
        final Properties props = new Properties();
        if (Files.exists(file)) {
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
        }
        return props;
    }

    private static String passwordsText(final Properties stored) {
        final StringBuilder text = new StringBuilder("# Passwords of the secured embedded broker: made once, owner-only.\n");
        for (final String name : new TreeSet<>(stored.stringPropertyNames())) {
            text.append(name).append('=').append(stored.getProperty(name)).append('\n');
        }
        return text.toString();
    }

    private static String clientText(final Map<String, String> settings) {
        final StringBuilder text = new StringBuilder("# Kafka client settings of one user of the secured ledger broker.\n"
                + "# Holds the user's password: keep it owner-only.\n");
        settings.forEach((name, value) -> text.append(name).append('=').append(value.replace("\\", "\\\\")).append('\n'));
        return text.toString();
    }

    private static void writeOwnerOnly(final Path file, final String text) throws IOException {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try (Writer writer = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            writer.write(text);
        }
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void restrict(final Path path, final Set<PosixFilePermission> permissions) throws IOException {
        Files.setPosixFilePermissions(path, permissions);
    }

    private static String newPassword() {
        final byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void requireUserName(final String user) {
        if (user == null || !user.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new IllegalArgumentException("not a SCRAM user name (lower-case letters, digits, . _ -): " + user);
        }
    }
}
