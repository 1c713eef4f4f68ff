package org.cityledger.streams.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * The secret that ledger instances of one cluster show each other on {@code /internal/*}, so that
 * an outsider who reaches a node's port cannot ask it for partial answers or pose as a peer. Every
 * instance must hold the same value: from the environment ({@code LEDGER_CLUSTER_SECRET}) or a
 * file ({@code --cluster-secret-file}), which the first instance to start creates with 256 random
 * bits, readable by its owner only; instances on one machine share the default file, instances on
 * several get the file (or the variable) from the operator.
 */
public final class ClusterSecret {

    /** The request header peers carry it in. */
    public static final String HEADER = "X-Ledger-Cluster-Secret";
    public static final String ENVIRONMENT_VARIABLE = "LEDGER_CLUSTER_SECRET";

    private final String value;

    private ClusterSecret(final String value) {
        this.value = value;
    }

    public static ClusterSecret of(final String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the cluster secret must not be blank");
        }
        return new ClusterSecret(value.strip());
    }

    /** {@code fromEnvironment} if set, else the file's content, the file created with a new secret if missing. */
    public static ClusterSecret resolve(final String fromEnvironment, final Path file) {
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return of(fromEnvironment);
        }
        Objects.requireNonNull(file, "file");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            create(file);
            final String stored = Files.readString(file, StandardCharsets.UTF_8);
            if (stored.isBlank()) {
                throw new IllegalStateException("the cluster secret file " + file + " is empty; delete it to have a new one made");
            }
            return of(stored);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read or create the cluster secret file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void create(final Path file) throws IOException {
        if (Files.exists(file)) {
            return;
        }
        final byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        // written whole beside the file, then moved into place without replacing: when two instances
        // start at once, one secret wins and the other reads it, never a half-written file
        final Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".cluster-secret", ".tmp");
        try {
            try {
                Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            } catch (final UnsupportedOperationException e) {
                // not a POSIX file system: its own access control applies
            }
            Files.writeString(temp, Base64.getUrlEncoder().withoutPadding().encodeToString(random) + "\n", StandardCharsets.UTF_8);
            Files.move(temp, file);
        } catch (final FileAlreadyExistsException e) {
            // another instance made it first
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** What peers send. */
    public String value() {
        return value;
    }

    /** Constant-time comparison with what a request presented (null: nothing presented). */
    public boolean matches(final String presented) {
        return presented != null && MessageDigest.isEqual(value.getBytes(StandardCharsets.UTF_8),
                presented.strip().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "ClusterSecret[hidden]";
    }
}
