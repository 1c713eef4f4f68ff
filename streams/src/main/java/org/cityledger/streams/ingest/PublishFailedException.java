package org.cityledger.streams.ingest;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.cityledger.streams.query.VerdictRequest;

/**
 * The broker did not acknowledge every event of an accepted request. Those acknowledged are on the
 * topic and will count; sending the whole request again is safe, since each event id counts once.
 */
public final class PublishFailedException extends RuntimeException {

    private final List<VerdictRequest> published;
    private final List<String> failures;

    PublishFailedException(final String message, final List<VerdictRequest> published, final List<String> failures) {
        super(message);
        // a null element: that event was not acknowledged
        this.published = Collections.unmodifiableList(new ArrayList<>(published));
        this.failures = List.copyOf(failures);
    }

    /** Per event of the request, where it was published, or null if it was not acknowledged. */
    public List<VerdictRequest> published() {
        return published;
    }

    public List<String> failures() {
        return failures;
    }
}
