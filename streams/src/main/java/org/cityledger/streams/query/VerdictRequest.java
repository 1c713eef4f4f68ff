package org.cityledger.streams.query;

/**
 * Which published record a verdict is asked for: where the broker put it (as its acknowledgement
 * said), and the event id it should carry.
 */
public record VerdictRequest(String project, String eventId, int partition, long offset) {

    public VerdictRequest {
        if (project == null || project.isEmpty()) {
            throw new BadQueryException("project", "is required");
        }
        if (partition < 0) {
            throw new BadQueryException("partition", "must not be negative, got " + partition);
        }
        if (offset < 0) {
            throw new BadQueryException("offset", "must not be negative, got " + offset);
        }
    }
}
