package org.cityledger.streams.query;

/**
 * What each partition is asked during a fan-out: its partial totals for a key prefix (as of an
 * instant), or a page of its dead letters. Crosses the wire between instances.
 *
 * @param kind       which store
 * @param prefix     totals: key prefix
 * @param asOfMillis totals: as-of instant, or null
 * @param before     dead letters: sort key to page before, or null
 * @param limit      dead letters: page size
 */
public record PartialsRequest(Kind kind, String prefix, Long asOfMillis, String before, int limit) {

    /** The stores a fan-out can read. */
    public enum Kind {
        TOTALS,
        DEAD_LETTERS
    }

    public static PartialsRequest totals(final String prefix, final Long asOfMillis) {
        return new PartialsRequest(Kind.TOTALS, prefix, asOfMillis, null, 0);
    }

    public static PartialsRequest deadLetters(final String before, final int limit) {
        return new PartialsRequest(Kind.DEAD_LETTERS, null, null, before, limit);
    }
}
