package org.cityledger.streams.query;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.cityledger.streams.totals.Totals;

/**
 * The totals as of the last commit, merged once for every question asked until the next one: a
 * dashboard wall and a hundred browsers ask the same few questions, and each asked the partitions
 * and added them up again (the harness's query stage). An answer is kept per key prefix with the
 * node's {@code version}, read before and after it was gathered: a counter that moves with every
 * commit this node publishes and every change of its Kafka Streams state (a rebalance may move
 * partitions), and reads {@link #UNSETTLED} while a commit is being published. An answer is kept
 * only if the version did not move while it was gathered, and found only while the version is
 * still the same, so every answer includes every commit published before the question came (a
 * verdict seen, then the totals asked, find the counted event), as a gathered one does.
 *
 * <p>Kept are only answers gathered now (no {@code asOf}), from active copies, on this node alone:
 * a commit on another instance moves no counter here, so a fanned-out answer is gathered afresh.
 */
public final class CommittedSnapshots implements PartialTotalsSource {

    /** What {@code version} says while a commit is being published: nothing is kept or served from the snapshots then. */
    public static final long UNSETTLED = -1;

    private final PartialTotalsSource source;
    private final String self;
    private final LongSupplier version;
    private final Map<String, Kept> kept = new ConcurrentHashMap<>();

    /** One kept answer and the version it is as of. */
    private record Kept(long version, Answer<Map<String, Totals>> answer) {
    }

    /**
     * @param source  where answers are gathered
     * @param self    this instance's id, as {@link Provenance} names it
     * @param version moves (never back) with each commit and each state change of this node, and is
     *                {@link #UNSETTLED} while a commit is being published (a seqlock: two equal readings
     *                mean the committed state did not change in between)
     */
    public CommittedSnapshots(final PartialTotalsSource source, final String self, final LongSupplier version) {
        this.source = source;
        this.self = self;
        this.version = version;
    }

    @Override
    public Answer<Map<String, Totals>> totals(final String prefix, final Ask ask) {
        if (ask.asOf() != null || ask.maxLag() != null) {
            return source.totals(prefix, ask);
        }
        final long before = version.getAsLong();
        final Kept known = kept.get(prefix);
        if (before != UNSETTLED && known != null && known.version() == before) {
            return known.answer();
        }
        final Answer<Map<String, Totals>> answer = source.totals(prefix, ask);
        final Provenance from = answer.provenance();
        // kept only if nothing was published while it was gathered: then it is the committed state as of that version
        if (before != UNSETTLED && version.getAsLong() == before && !from.stale() && from.instances().equals(Set.of(self))) {
            kept.put(prefix, new Kept(before, new Answer<>(Map.copyOf(answer.value()), from)));
        }
        return answer;
    }
}
