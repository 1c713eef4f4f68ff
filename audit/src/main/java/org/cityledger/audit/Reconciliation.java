package org.cityledger.audit;

import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cityledger.domain.EventRules;

/**
 * Recomputes every figure of the ledger from the events topic and compares, partition by
 * partition: the ledger says through which input offset each partition's totals are committed, and
 * this reads each partition exactly through that offset, so the comparison is exact however many
 * events keep arriving meanwhile.
 */
public final class Reconciliation {

    /** Told how far the reading has come: records read so far, of about how many. */
    @FunctionalInterface
    public interface Progress {
        void onProgress(long read, long total);
    }

    /** One figure that differs. */
    public record Difference(int partition, String figure, BigDecimal ledger, BigDecimal recomputed) {

        @Override
        public String toString() {
            return "partition " + partition + ", " + figure + ": the ledger says " + ledger.toPlainString() + ", the log gives "
                    + recomputed.toPlainString();
        }
    }

    /**
     * What the reconciliation found.
     *
     * @param records     records read
     * @param figures     figures compared (not zero on either side)
     * @param deadLetters refusals recomputed
     * @param through     per partition, the offset read through
     * @param differences every figure that differs, empty when all are equal
     */
    public record Report(long records, int figures, long deadLetters, Map<Integer, Long> through, List<Difference> differences) {

        public boolean equal() {
            return differences.isEmpty();
        }
    }

    private final PartitionLog log;
    private final LedgerApi ledger;
    private final EventRules rules;

    public Reconciliation(final PartitionLog log, final LedgerApi ledger, final EventRules rules) {
        this.log = log;
        this.ledger = ledger;
        this.rules = rules;
    }

    public Report run(final Progress progress) throws IOException, InterruptedException {
        final List<LedgerApi.Partition> partitions = ledger.partitions();
        long expected = 0;
        for (final LedgerApi.Partition p : partitions) {
            if (p.through() == null) {
                throw new IllegalStateException("the ledger cannot say through which offset partition " + p.partition()
                        + "'s totals are committed (state written by an older version); reconcile after its next commit");
            }
            expected += p.through() + 1;
        }
        final long total = expected;
        final List<Difference> differences = new ArrayList<>();
        final Map<Integer, Long> through = new TreeMap<>();
        long read = 0;
        int compared = 0;
        long refusals = 0;
        for (final LedgerApi.Partition partition : partitions) {
            final Decider decider = new Decider(rules);
            final Figures figures = new Figures();
            final long[] refused = {0};
            final long before = read;
            final long[] seen = {0};
            log.read(partition.partition(), partition.through(), entry -> {
                final Decision decision = decider.decide(entry.key(), entry.value(), entry.timestamp(), entry.refusal());
                switch (decision.outcome()) {
                    case COUNTED -> {
                        if (decision.replaced() != null) {
                            figures.add(decision.replaced(), -1);
                        }
                        figures.add(decision.event(), 1);
                    }
                    case REFUSED -> refused[0]++;
                    case DUPLICATE -> {
                        // counted once already
                    }
                }
                if (++seen[0] % 100_000 == 0) {
                    progress.onProgress(before + seen[0], total);
                }
            });
            read += seen[0];
            progress.onProgress(read, total);
            through.put(partition.partition(), partition.through());
            figures.differences(partition.figures()).forEach((figure, values) ->
                    differences.add(new Difference(partition.partition(), figure, values[1], values[0])));
            if (partition.deadLetters() != null && partition.deadLetters() != refused[0]) {
                differences.add(new Difference(partition.partition(), "dead letters", BigDecimal.valueOf(partition.deadLetters()),
                        BigDecimal.valueOf(refused[0])));
            }
            compared += Math.max(figures.count(), partition.figures().count());
            refusals += refused[0];
        }
        return new Report(read, compared, refusals, through, List.copyOf(differences));
    }
}
