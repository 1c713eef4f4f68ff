package org.cityledger.streams.access;

import java.util.Optional;

/**
 * Who may do what on the HTTP API: offices publish with their own token; reads are open unless a
 * read token is set (then the read token or any office's token reads); peers show the cluster
 * secret on {@code /internal/*}. Knows nothing of HTTP: the server hands it what the request presented.
 *
 * @param offices       the offices and their tokens ({@link OfficeRegistry#NONE}: nobody publishes)
 * @param readToken     null: reads are open
 * @param clusterSecret null: {@code /internal/*} is open (a single node in a test; the launcher always sets one)
 */
public record AccessPolicy(OfficeRegistry offices, ReadToken readToken, ClusterSecret clusterSecret) {

    /** Everything open but publishing, which nobody may do: for tests of the read API. */
    public static final AccessPolicy OPEN = new AccessPolicy(OfficeRegistry.NONE, null, null);

    /** The office a bearer token names, if any. */
    public Optional<Office> office(final String bearer) {
        return offices.authenticate(bearer);
    }

    /** Whether a request presenting {@code bearer} (null: none) may read. */
    public boolean mayRead(final String bearer) {
        return readToken == null || readToken.matches(bearer) || offices.authenticate(bearer).isPresent();
    }

    /** Whether a request presenting {@code secret} in {@link ClusterSecret#HEADER} is a peer. */
    public boolean isPeer(final String secret) {
        return clusterSecret == null || clusterSecret.matches(secret);
    }
}
