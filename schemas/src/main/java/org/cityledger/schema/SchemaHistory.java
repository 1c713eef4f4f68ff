package org.cityledger.schema;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;

/**
 * Every schema version the ledger has ever written, as shipped in this module under
 * {@code schemas/versions/}. A reader resolves a record by the writer's fingerprint against this
 * list, so a topic may hold records of all versions at once. Versions are never edited or removed;
 * a schema change adds a file and a line to {@code index.txt}.
 */
public final class SchemaHistory {

    /** One version of one record type. */
    public record Version(String recordName, int version, Schema schema, long fingerprint) {
    }

    private static final String INDEX = "/schemas/versions/index.txt";

    private SchemaHistory() {
    }

    public static List<Version> load() {
        final List<Version> versions = new ArrayList<>();
        for (final String line : read(INDEX).split("\n")) {
            final String file = line.strip();
            if (file.isEmpty() || file.startsWith("#")) {
                continue;
            }
            // file names are <RecordName>-v<N>.avsc
            final int dash = file.lastIndexOf("-v");
            final String recordName = file.substring(0, dash);
            final int version = Integer.parseInt(file.substring(dash + 2, file.length() - ".avsc".length()));
            final Schema schema = new Schema.Parser().parse(read("/schemas/versions/" + file));
            versions.add(new Version(recordName, version, schema, SchemaNormalization.parsingFingerprint64(schema)));
        }
        return List.copyOf(versions);
    }

    private static String read(final String resource) {
        try (InputStream in = SchemaHistory.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("schema resource missing from the classpath: " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read schema resource " + resource, e);
        }
    }
}
