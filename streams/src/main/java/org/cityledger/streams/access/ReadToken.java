package org.cityledger.streams.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The token that every read of the API needs when the ledger runs with {@code --read-token}
 * (dashboards, auditors); without it, reads are open and only writes need an office's token.
 * Never printed: {@link #toString()} hides it.
 */
public final class ReadToken {

    private final byte[] value;

    private ReadToken(final String value) {
        this.value = value.getBytes(StandardCharsets.UTF_8);
    }

    public static ReadToken of(final String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the read token must not be blank");
        }
        if (value.strip().length() < 16) {
            throw new IllegalArgumentException("the read token must be at least 16 characters long");
        }
        return new ReadToken(value.strip());
    }

    /** Constant-time comparison with what a request presented. */
    public boolean matches(final String presented) {
        return presented != null && MessageDigest.isEqual(value, presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ReadToken[hidden]";
    }
}
