package org.cityledger.streams.access;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/**
 * Whether a request may carry a bearer token over the way it came. (The cluster secret is not held
 * to this: instances of a ledger serving plain HTTP ask each other over plain HTTP; those serving
 * HTTPS ask each other over HTTPS, see {@code PeerTls}, and have no plain-HTTP port at all.)
 * Over plain HTTP anyone on the path between client and ledger reads a token and can publish as
 * that office from then on, so plain HTTP takes credentials only from the ledger's own machine
 * (loopback: the demo, a TLS-terminating proxy beside the ledger). Refusing, rather than ignoring,
 * tells the office that its token has travelled in the clear and should be replaced.
 */
public final class CredentialTransport {

    /** What a refused request is told. */
    public static final String PLAIN_HTTP_REFUSAL = "credentials are refused over plain HTTP from another machine: "
            + "they could be read on the way; use this ledger's https:// address (and get a new token, the one sent is exposed)";

    private CredentialTransport() {
    }

    /**
     * @param tls                the request arrived over TLS
     * @param carriesCredentials it carries a bearer token
     * @param fromLoopback       it came from this machine
     * @return the refusal, or empty if the request may go on
     */
    public static Optional<String> refusal(final boolean tls, final boolean carriesCredentials, final boolean fromLoopback) {
        return !tls && carriesCredentials && !fromLoopback ? Optional.of(PLAIN_HTTP_REFUSAL) : Optional.empty();
    }

    /** Whether {@code remoteAddress}, an IP literal as a servlet reports it, is this machine's loopback. */
    public static boolean isLoopback(final String remoteAddress) {
        // IPv4 digits and dots, or IPv6 (it has colons): anything else would be a name, and a lookup
        if (remoteAddress == null || !(remoteAddress.matches("[0-9.]+") || remoteAddress.contains(":"))) {
            return false;
        }
        try {
            // an IP literal: parsed, never looked up
            return InetAddress.getByName(remoteAddress).isLoopbackAddress();
        } catch (final UnknownHostException e) {
            return false;
        }
    }
}
