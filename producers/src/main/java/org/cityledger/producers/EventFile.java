package org.cityledger.producers;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.cityledger.domain.Violation;

/**
 * A file of events read one record at a time, so that a file of a million lines is never held in
 * memory. Not thread-safe.
 */
interface EventFile extends Closeable {

    static EventFile open(final Path file, final FileFormat format, final IngestJson json) throws IOException {
        return switch (format) {
            case CSV -> new CsvFile(file, json);
            case JSONL -> new JsonLinesFile(file, json);
        };
    }

    /**
     * The next record that holds an event (good or bad), or null at the end of the file.
     *
     * @throws UnreadableFileException when the rest of the file cannot be read at all (a CSV header
     *                                 naming an unknown column, a quoted cell never closed)
     */
    FileRecord next() throws IOException;

    /** Physical lines read so far, blank and comment lines included. */
    int linesRead();

    /** A writer of this format's rejects to {@code target}, replacing it. */
    RejectsFile rejectsTo(Path target) throws IOException;

    /** Where bad records go under {@code --skip-invalid}: in the input's own format, with line and reasons. */
    interface RejectsFile extends Closeable {

        /** Thread-safe: the ledger's refusals arrive from the threads that send batches. */
        void write(FileRecord record, List<Violation> reasons) throws IOException;
    }

    /** The file cannot be read past {@code line}: nothing in it can be trusted to be published. */
    final class UnreadableFileException extends IOException {

        private final transient FileReport.LineError error;

        UnreadableFileException(final int line, final Violation violation) {
            super("line " + line + ": " + violation);
            this.error = new FileReport.LineError(line, List.of(violation));
        }

        FileReport.LineError error() {
            return error;
        }
    }
}
