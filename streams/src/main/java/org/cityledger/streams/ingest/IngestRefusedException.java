package org.cityledger.streams.ingest;

import java.util.List;
import org.cityledger.streams.access.Office;

/** A publication refused whole: nothing of it reached the topic. Says why, and for invalid events each problem. */
public final class IngestRefusedException extends RuntimeException {

    /** Why. */
    public enum Kind {
        /** Not one event nor a batch of them. */
        MALFORMED,
        /** Some events break the rules ({@link #problems()}). */
        INVALID,
        /** An event of a district other than the office's. */
        FORBIDDEN,
        /** More events than one request may hold. */
        TOO_LARGE
    }

    /** One broken rule: the event's index in the batch, its id if it had one, the field and the reason. */
    public record Problem(int index, String eventId, String field, String reason) {
    }

    private final Kind kind;
    private final List<Problem> problems;

    private IngestRefusedException(final Kind kind, final String message, final List<Problem> problems) {
        super(message);
        this.kind = kind;
        this.problems = List.copyOf(problems);
    }

    static IngestRefusedException malformed(final String message) {
        return new IngestRefusedException(Kind.MALFORMED, message, List.of());
    }

    static IngestRefusedException tooLarge(final String message) {
        return new IngestRefusedException(Kind.TOO_LARGE, message, List.of());
    }

    static IngestRefusedException invalid(final List<Problem> problems, final int events) {
        final long bad = problems.stream().mapToInt(Problem::index).distinct().count();
        return new IngestRefusedException(Kind.INVALID, bad + " of " + events + " event" + (events == 1 ? " is" : "s are")
                + " invalid, so none was published", problems);
    }

    static IngestRefusedException forbidden(final Office office, final String district, final String what) {
        return new IngestRefusedException(Kind.FORBIDDEN, "the token of office '" + office.district() + "' cannot publish for district '"
                + district + "': " + what + " is of district '" + district + "'", List.of());
    }

    public Kind kind() {
        return kind;
    }

    public List<Problem> problems() {
        return problems;
    }
}
