package org.cityledger.streams.peer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Collections;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.cityledger.streams.LedgerConfig;

/**
 * How an instance serving HTTPS asks its peers: over TLS, trusting the certificates of its own
 * keystore's chain and nothing else. Instances of one ledger serve certificates from one CA (the
 * generated CA of {@code --secure}, or the city's own with the CA in each keystore's chain) or the
 * same certificate, so each trusts the others exactly as far as it trusts itself; a certificate of
 * any other issuer, a public CA's included, is refused, and each peer's certificate must name the
 * host it advertises ({@link Http11Connection} checks it).
 */
public final class PeerTls {

    private PeerTls() {
    }

    /** A client context trusting every certificate in {@code keystore}'s chains (and its trusted entries). */
    public static SSLContext trustingOwnChain(final LedgerConfig.HttpsKeystore keystore) {
        try {
            final KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keystore.keystore())) {
                keys.load(in, keystore.password().toCharArray());
            }
            final KeyStore trusted = KeyStore.getInstance("PKCS12");
            trusted.load(null, null);
            int n = 0;
            for (final String alias : Collections.list(keys.aliases())) {
                final Certificate[] chain = keys.getCertificateChain(alias);
                if (chain != null) {
                    for (final Certificate certificate : chain) {
                        trusted.setCertificateEntry("peer-" + n++, certificate);
                    }
                } else if (keys.getCertificate(alias) != null) {
                    trusted.setCertificateEntry("peer-" + n++, keys.getCertificate(alias));
                }
            }
            if (n == 0) {
                throw new IllegalStateException(keystore.keystore() + " holds no certificate for the peers to trust");
            }
            final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            final SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (final IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the HTTPS keystore " + keystore.keystore() + " for the peers' TLS: "
                    + e.getMessage(), e);
        }
    }
}
