package org.cityledger.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.MutableTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsCodec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The totals arithmetic on the ledger's hot and query paths: adding one event's contribution to a
 * slice (the stream thread does this four times per event), taking a slice's immutable snapshot
 * at commit, adding up the partial totals of six partitions (every query), and the store's binary
 * form of a slice.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class TotalsBenchmark {

    private static final int PARTITIONS = 6;

    private Contribution[] contributions;
    private MutableTotals slice;
    private Totals[] partials;
    private Totals snapshot;
    private byte[] serialized;
    private int next;

    @Setup
    public void setUp() {
        final List<LedgerEvent> events = Samples.events(new EventCodec());
        contributions = new Contribution[events.size()];
        final MutableTotals[] partitions = new MutableTotals[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            partitions[p] = MutableTotals.of(Totals.EMPTY);
        }
        slice = MutableTotals.of(Totals.EMPTY);
        for (int i = 0; i < contributions.length; i++) {
            contributions[i] = Contribution.of(events.get(i));
            slice.apply(contributions[i], 1);
            partitions[i % PARTITIONS].apply(contributions[i], 1);
        }
        partials = new Totals[PARTITIONS];
        for (int p = 0; p < PARTITIONS; p++) {
            partials[p] = partitions[p].snapshot();
        }
        snapshot = slice.snapshot();
        serialized = TotalsCodec.toBytes(snapshot);
    }

    /** One event in and out again, so the sums stay the size of real ones however long it runs. */
    @Benchmark
    @OperationsPerInvocation(2)
    public MutableTotals apply() {
        final Contribution contribution = contributions[next++ & (Samples.SIZE - 1)];
        slice.apply(contribution, 1);
        slice.apply(contribution, -1);
        return slice;
    }

    @Benchmark
    public Totals snapshot() {
        return slice.snapshot();
    }

    @Benchmark
    public Totals sumSixPartitions() {
        Totals sum = Totals.EMPTY;
        for (final Totals partial : partials) {
            sum = sum.plus(partial);
        }
        return sum;
    }

    @Benchmark
    public byte[] serialize() {
        return TotalsCodec.toBytes(snapshot);
    }

    @Benchmark
    public Totals deserialize() {
        return TotalsCodec.fromBytes(serialized);
    }
}
