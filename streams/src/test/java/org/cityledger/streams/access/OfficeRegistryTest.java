package org.cityledger.streams.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OfficeRegistryTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-01T08:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void shouldAuthenticateATokenItIssuedAsItsDistrict() {
        final Path file = dir.resolve("offices.txt");
        final OfficeTokens.Issued issued = OfficeRegistry.add(file, "kunshan", CLOCK);

        final OfficeRegistry registry = OfficeRegistry.load(file);

        assertThat(registry.authenticate(issued.token())).contains(new Office("kunshan", issued.tokenId()));
    }

    @Test
    void shouldRefuseAWrongSecretForAKnownTokenId() {
        final Path file = dir.resolve("offices.txt");
        final OfficeTokens.Issued issued = OfficeRegistry.add(file, "kunshan", CLOCK);

        final String forged = OfficeTokens.PREFIX + issued.tokenId() + ".not-the-secret";

        assertThat(OfficeRegistry.load(file).authenticate(forged)).isEmpty();
    }

    @Test
    void shouldRefuseUnknownAndMalformedTokens() {
        final Path file = dir.resolve("offices.txt");
        OfficeRegistry.add(file, "kunshan", CLOCK);
        final OfficeRegistry registry = OfficeRegistry.load(file);

        assertThat(registry.authenticate(OfficeTokens.issue().token())).isEmpty();
        assertThat(registry.authenticate("hello")).isEmpty();
        assertThat(registry.authenticate("ldg_.x")).isEmpty();
        assertThat(registry.authenticate(null)).isEmpty();
    }

    @Test
    void shouldKeepOnlyAHashOfTheSecretInTheFile() throws Exception {
        final Path file = dir.resolve("offices.txt");
        final OfficeTokens.Issued issued = OfficeRegistry.add(file, "wujiang", CLOCK);

        final String content = Files.readString(file, StandardCharsets.UTF_8);

        assertThat(content).contains("wujiang", issued.tokenId(), "sha256$").doesNotContain(OfficeTokens.secretOf(issued.token()));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void shouldKeepSeveralTokensPerOfficeForRotation() {
        final Path file = dir.resolve("offices.txt");
        final OfficeTokens.Issued first = OfficeRegistry.add(file, "sip", CLOCK);
        final OfficeTokens.Issued second = OfficeRegistry.add(file, "sip", CLOCK);

        final OfficeRegistry registry = OfficeRegistry.load(file);

        assertThat(registry.authenticate(first.token())).isPresent();
        assertThat(registry.authenticate(second.token())).isPresent();
        assertThat(registry.offices()).hasSize(2);
    }

    @Test
    void shouldNameTheLineOfAnUnknownDistrict() throws Exception {
        final Path file = dir.resolve("offices.txt");
        Files.writeString(file, "# offices\natlantis abc sha256$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n");

        assertThatThrownBy(() -> OfficeRegistry.load(file)).hasMessageContaining("line 2").hasMessageContaining("unknown district 'atlantis'");
    }

    @Test
    void shouldRefuseToIssueATokenForAnUnknownDistrict() {
        assertThatThrownBy(() -> OfficeRegistry.add(dir.resolve("offices.txt"), "atlantis", CLOCK))
                .hasMessageContaining("unknown district 'atlantis'");
    }
}
