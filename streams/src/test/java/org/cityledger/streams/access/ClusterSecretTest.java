package org.cityledger.streams.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterSecretTest {

    @TempDir
    Path dir;

    @Test
    void shouldMakeOneSecretThatEveryInstanceOnTheMachineShares() throws Exception {
        final Path file = dir.resolve("cluster-secret");

        final ClusterSecret first = ClusterSecret.resolve(null, file);
        final ClusterSecret second = ClusterSecret.resolve(null, file);

        assertThat(second.matches(first.value())).isTrue();
        assertThat(first.value()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldPreferTheEnvironmentOverTheFile() {
        final ClusterSecret secret = ClusterSecret.resolve("from-the-operator", dir.resolve("unused"));

        assertThat(secret.matches("from-the-operator")).isTrue();
        assertThat(Files.exists(dir.resolve("unused"))).isFalse();
    }

    @Test
    void shouldNotMatchAnotherOrAMissingSecret() {
        final ClusterSecret secret = ClusterSecret.of("s3cret");

        assertThat(secret.matches("s3creT")).isFalse();
        assertThat(secret.matches(null)).isFalse();
        assertThat(secret.toString()).doesNotContain("s3cret");
    }
}
