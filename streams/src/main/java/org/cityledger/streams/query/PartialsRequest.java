package org.cityledger.streams.query;

import java.util.Map;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.Totals;

/**
 * What each partition is asked during a fan-out: its partial totals for a key prefix (as of an
 * instant), a page of its dead letters, or its whole committed totals with the offset they are
 * committed through. Crosses the wire between instances.
 *
 * @param <T>        what each partition answers, decided by {@code kind}
 * @param kind       which question
 * @param prefix     totals: key prefix
 * @param asOfMillis totals: as-of instant, or null
 * @param before     dead letters: sort key to page before, or null
 * @param limit      dead letters: page size
 */
public record PartialsRequest<T>(Kind kind, String prefix, Long asOfMillis, String before, int limit) {

    /** The questions a fan-out can ask. */
    public enum Kind {
        TOTALS,
        DEAD_LETTERS,
        PARTITION_TOTALS
    }

    public static PartialsRequest<Map<String, Totals>> totals(final String prefix, final Long asOfMillis) {
        return new PartialsRequest<>(Kind.TOTALS, prefix, asOfMillis, null, 0);
    }

    public static PartialsRequest<DeadLetterPage> deadLetters(final String before, final int limit) {
        return new PartialsRequest<>(Kind.DEAD_LETTERS, null, null, before, limit);
    }

    /** Each partition's committed totals, every slice, with the offset and dead-letter count they are committed through. */
    public static PartialsRequest<PartitionTotals> partitionTotals() {
        return new PartialsRequest<>(Kind.PARTITION_TOTALS, null, null, null, 0);
    }

    /** A request as it arrives from another instance: its answer's type is its kind's. */
    public static PartialsRequest<?> of(final Kind kind, final String prefix, final Long asOfMillis, final String before,
                                        final int limit) {
        return new PartialsRequest<>(kind, prefix, asOfMillis, before, limit);
    }

    /**
     * One partition's answer as this request's type: the one place where a store's or the wire's
     * untyped answer becomes typed, checked against the kind.
     *
     * @throws IllegalStateException if the answer is not of the kind's type (a bug, or a peer of another version)
     */
    @SuppressWarnings("unchecked")
    public T resultOf(final Object answer) {
        final boolean fits = switch (kind) {
            case TOTALS -> answer instanceof Map;
            case DEAD_LETTERS -> answer instanceof DeadLetterPage;
            case PARTITION_TOTALS -> answer instanceof PartitionTotals;
        };
        if (!fits) {
            throw new IllegalStateException("a " + kind + " question was answered with "
                    + (answer == null ? "nothing" : answer.getClass().getSimpleName()));
        }
        return (T) answer;
    }
}
