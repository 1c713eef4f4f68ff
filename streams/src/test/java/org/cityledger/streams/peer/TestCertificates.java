package org.cityledger.streams.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate made for a test by the JDK's own {@code keytool}, so that no key or
 * certificate is kept in the repository and no test library is needed to make one.
 */
public final class TestCertificates {

    private static final char[] PASSWORD = "test-only".toCharArray();

    /**
     * @param server   a server presenting the certificate
     * @param client   a client trusting exactly that certificate
     * @param keystore the PKCS12 file of its key and certificate, as a ledger's {@code --https-keystore}
     * @param password the keystore's password
     */
    public record Pair(SSLContext server, SSLContext client, Path keystore, String password) {
    }

    private TestCertificates() {
    }

    /** A certificate for {@code subjectAltName} (keytool's syntax: {@code dns:localhost,ip:127.0.0.1}). */
    public static Pair selfSigned(final Path dir, final String subjectAltName) throws IOException, GeneralSecurityException,
            InterruptedException {
        final Path store = Files.createTempFile(dir, "peer", ".p12");
        Files.delete(store);
        final Process keytool = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "peer", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=ledger test peer", "-ext", "SAN=" + subjectAltName,
                "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                .redirectErrorStream(true).start();
        final String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        final KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD);
        }
        final KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, PASSWORD);
        final SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);

        final KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("peer", keys.getCertificate("peer"));
        final TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trusted);
        final SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trustManagers.getTrustManagers(), null);
        return new Pair(server, client, store, new String(PASSWORD));
    }
}
