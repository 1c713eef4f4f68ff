package org.cityledger.producers;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.cityledger.domain.Violation;

/**
 * What became of one file.
 *
 * @param file        the file read
 * @param format      how it was read
 * @param linesRead   physical lines read, blank and comment lines included, so line numbers can be checked against it
 * @param events      records that held an event, good or bad
 * @param errors      every record the local check refused, in file order (with {@code --skip-invalid}
 *                    these are the ones written to {@code rejectsFile}); a file that could not be read
 *                    past some line has that as its last error and {@link #unreadable} set
 * @param unreadable  the file could not be read to its end, so nothing of it was sent
 * @param rejectsFile where refused records were written, or null when they were not
 * @param sent        good events handed to the delivery; fewer than the good ones when it stopped early
 * @param delivery    what the ledger made of what was sent, or null when nothing was sent (a check,
 *                    or a bad line without {@code --skip-invalid})
 */
public record FileReport(Path file, FileFormat format, int linesRead, int events, List<LineError> errors,
                         boolean unreadable, Path rejectsFile, long sent, DeliveryReport delivery) {

    public FileReport {
        errors = List.copyOf(errors);
    }

    /** True when no record was refused by the local check. */
    public boolean isClean() {
        return errors.isEmpty();
    }

    /** Events the broker or the ledger acknowledged. */
    public long published() {
        return delivery == null ? 0 : delivery.accepted();
    }

    /**
     * One refused line.
     *
     * @param line       1-based line number in the file (where the record starts)
     * @param violations why, never empty
     */
    public record LineError(int line, List<Violation> violations) {

        public LineError {
            violations = List.copyOf(violations);
        }

        @Override
        public String toString() {
            return "line " + line + ": " + violations.stream().map(Violation::toString).collect(Collectors.joining("; "));
        }
    }
}
