package org.cityledger.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cityledger.broker.TestBroker;
import org.junit.jupiter.api.Test;

/** The deployment files name the images the build and the container tests use, so they cannot drift apart. */
class ComposeFileTest {

    private static final Path TOP = Path.of("..");

    @Test
    void shouldRunTheKafkaImageOfTheClientVersion() throws Exception {
        final String compose = Files.readString(TOP.resolve("docker-compose.yml"), StandardCharsets.UTF_8);
        final String version = TestBroker.image().substring(TestBroker.image().indexOf(':') + 1);

        assertThat(compose).contains("image: apache/kafka:${KAFKA_VERSION:-" + version + "}");
    }

    @Test
    void shouldBuildTheLedgerImageOnTheJavaReleaseOfTheBuild() throws Exception {
        final String dockerfile = Files.readString(TOP.resolve("Dockerfile"), StandardCharsets.UTF_8);
        final Matcher release = Pattern.compile("<maven.compiler.release>(\\d+)</maven.compiler.release>")
                .matcher(Files.readString(TOP.resolve("pom.xml"), StandardCharsets.UTF_8));
        assertThat(release.find()).as("maven.compiler.release in the parent pom").isTrue();

        assertThat(dockerfile).containsPattern("(?m)^ARG JRE_IMAGE=eclipse-temurin:" + release.group(1) + "\\.\\d+\\.\\d+_\\d+-jre$");
    }
}
