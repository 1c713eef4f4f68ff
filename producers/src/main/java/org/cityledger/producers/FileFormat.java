package org.cityledger.producers;

import java.nio.file.Path;
import java.util.Locale;

/** How a district office's file of events is written. */
public enum FileFormat {

    /** One {@link IngestJson} object per line; blank lines and lines starting with {@code #} are skipped. */
    JSONL,

    /**
     * A header row naming ingest fields, nested ones dotted ({@code project.id}, {@code amount.value}),
     * then one event per row; an empty cell is an absent field. See {@link CsvFile}.
     */
    CSV;

    /**
     * From the file name: {@code .csv} is CSV; {@code .jsonl}, {@code .ndjson}, {@code .json} and any
     * other name JSON lines, the format the ledger has always read.
     */
    public static FileFormat of(final Path file) {
        final Path name = file.getFileName();
        return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".csv") ? CSV : JSONL;
    }
}
