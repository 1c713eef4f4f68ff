package org.cityledger.producers;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.cityledger.domain.Violation;

/**
 * What became of one JSON-lines file.
 *
 * @param file      the file read
 * @param linesRead every line, blank and comment lines included, so line numbers can be checked against it
 * @param events    lines that held an event, good or bad
 * @param published events acknowledged by the broker; zero whenever {@code errors} is not empty
 * @param errors    every bad line, in file order
 */
public record FileReport(Path file, int linesRead, int events, long published, List<LineError> errors) {

    public FileReport {
        errors = List.copyOf(errors);
    }

    /** True when no line was refused. */
    public boolean isClean() {
        return errors.isEmpty();
    }

    /**
     * One refused line.
     *
     * @param line       1-based line number in the file
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
