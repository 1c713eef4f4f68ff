package org.cityledger.streams.query;

import java.time.Instant;

/**
 * How a question is asked, beyond what it asks: as of when, and how stale an answer the caller
 * accepts when a partition's active copy is unavailable.
 *
 * @param asOf   count only events that occurred at or before this instant; null for now
 * @param maxLag how many offsets a standby replica may lag and still answer; null: only active copies
 */
public record Ask(Instant asOf, Long maxLag) {

    public static final Ask NOW = new Ask(null, null);

    public static Ask asOf(final Instant asOf) {
        return new Ask(asOf, null);
    }
}
