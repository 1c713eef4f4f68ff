package org.cityledger.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.streams.state.AuditIndex;
import org.cityledger.streams.state.ByteKeySort;
import org.cityledger.streams.totals.Contribution;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Putting one batch of the audit index in key order before it is written: the three keys of each
 * counted event (its cell's entry, its timeline entry, its fact) in the order the events came, over
 * the harness's mix of events, as many as the write-behind holds at most. The comparator sort is what {@link ByteKeySort} replaced.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class IndexBatchBenchmark {

    private static final Comparator<KeyValue<Bytes, byte[]>> UNSIGNED = (a, b) -> Arrays.compareUnsigned(a.key.get(), b.key.get());
    /** A full batch of the event index's write-behind: 20,000 keys, a third of them each kind. */
    private static final int EVENTS = 6_666;

    private List<KeyValue<Bytes, byte[]>> batch;

    @Setup
    public void setUp() {
        batch = auditBatch(EVENTS);
    }

    /**
     * The audit index's keys of {@code count} of the harness's events in the order they came, with
     * values of about the entries' sizes, allocated between the keys as the stream thread does: the keys lie apart.
     */
    static List<KeyValue<Bytes, byte[]>> auditBatch(final int count) {
        final List<LedgerEvent> events = Samples.events(new EventCodec(), count);
        final List<KeyValue<Bytes, byte[]>> made = new ArrayList<>(3 * events.size());
        long offset = 0;
        for (final LedgerEvent event : events) {
            final Contribution contribution = Contribution.of(event);
            final long occurredAt = event.occurredAt().toEpochMilli();
            made.add(KeyValue.pair(AuditIndex.sliceKey(contribution.district(), contribution.sector(), occurredAt, event.eventId()),
                    new byte[160]));
            made.add(KeyValue.pair(AuditIndex.timelineKey(occurredAt, event.eventId()), new byte[160]));
            made.add(KeyValue.pair(AuditIndex.factKey(event.project().id(), offset++), new byte[240]));
        }
        return made;
    }

    @Benchmark
    public List<KeyValue<Bytes, byte[]>> comparatorSort() {
        final List<KeyValue<Bytes, byte[]>> copy = new ArrayList<>(batch);
        copy.sort(UNSIGNED);
        return copy;
    }

    @Benchmark
    public List<KeyValue<Bytes, byte[]>> byteKeySort() {
        return ByteKeySort.sorted(batch);
    }
}
