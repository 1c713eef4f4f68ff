package org.cityledger.streams.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Locale;

/**
 * Office bearer tokens: {@code ldg_<id>.<secret>}, the id public (it names the token in files and
 * logs), the secret 256 random bits shown once when the token is made and kept only as a salted
 * SHA-256 ({@code sha256$<salt>$<digest>}, both base64url). A fast hash is enough for a 256-bit
 * random secret, which no one can guess or brute-force; a slow password hash would cost each
 * request tens of milliseconds for nothing. Comparison is constant-time.
 */
public final class OfficeTokens {

    static final String PREFIX = "ldg_";
    private static final String SCHEME = "sha256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private OfficeTokens() {
    }

    /** A new token (id and secret) and the hash to store for it. */
    public record Issued(String token, String tokenId, String hash) {
    }

    public static Issued issue() {
        final byte[] id = new byte[6];
        RANDOM.nextBytes(id);
        final byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        final String tokenId = B64.encodeToString(id).toLowerCase(Locale.ROOT).replace('-', 'x').replace('_', 'y');
        final String secretText = B64.encodeToString(secret);
        return new Issued(PREFIX + tokenId + "." + secretText, tokenId, hash(secretText));
    }

    /** The id part of a presented token, or null if it is not one of ours. */
    static String idOf(final String token) {
        final int dot = token.indexOf('.');
        if (!token.startsWith(PREFIX) || dot <= PREFIX.length() || dot == token.length() - 1) {
            return null;
        }
        return token.substring(PREFIX.length(), dot);
    }

    static String secretOf(final String token) {
        return token.substring(token.indexOf('.') + 1);
    }

    static String hash(final String secret) {
        final byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        return SCHEME + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(digest(salt, secret));
    }

    /** Whether {@code secret} matches the stored {@code hash}; false for a malformed hash. */
    static boolean matches(final String secret, final String hash) {
        final String[] parts = hash.split("\\$");
        if (parts.length != 3 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            return MessageDigest.isEqual(digest(B64D.decode(parts[1]), secret), B64D.decode(parts[2]));
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }

    /** Whether {@code hash} has the stored form; for checking a file when it is loaded. */
    static boolean isHash(final String hash) {
        final String[] parts = hash.split("\\$");
        if (parts.length != 3 || !SCHEME.equals(parts[0])) {
            return false;
        }
        try {
            return B64D.decode(parts[1]).length == 16 && B64D.decode(parts[2]).length == 32;
        } catch (final IllegalArgumentException e) {
            return false;
        }
    }

    private static byte[] digest(final byte[] salt, final String secret) {
        try {
            final MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
