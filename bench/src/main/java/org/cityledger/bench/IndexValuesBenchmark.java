package org.cityledger.bench;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
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
 * The values the stream thread encodes for every counted event (its event index entry, its audit
 * entry, written twice, and its fact) and the event index entry it decodes for a re-delivery or a
 * correction: the binary form of the ledger's internal stores, over the harness's mix of events.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class IndexValuesBenchmark {

    private static final byte[] HASH = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private LedgerEvent[] events;
    private Contribution[] contributions;
    private byte[][] indexed;
    private int next;

    @Setup
    public void setUp() {
        final List<LedgerEvent> sample = Samples.events(new EventCodec());
        events = sample.toArray(new LedgerEvent[0]);
        contributions = new Contribution[events.length];
        indexed = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            contributions[i] = Contribution.of(events[i]);
            indexed[i] = indexEntry(i).toBytes();
        }
    }

    /** The three values a counted event costs the stream thread to encode. */
    @Benchmark
    public int encodeCountedEvent() {
        final int i = next++ & (Samples.SIZE - 1);
        final LedgerEvent event = events[i];
        final long occurredAt = event.occurredAt().toEpochMilli();
        final byte[] index = indexEntry(i).toBytes();
        final byte[] listed = new SliceEvent(event.eventId(), event.project().id(), occurredAt, contributions[i], -1, i,
                SliceEvent.NOT_REMOVED).toBytes();
        final byte[] fact = new ProjectFact(i, occurredAt, event.eventId(), event.kind(), occurredAt, ProjectFact.Verdict.COUNTED,
                null, event.corrects(), i, event.source(), contributions[i], event.project().name(), event.project().company())
                .toBytes();
        return index.length + listed.length + fact.length;
    }

    @Benchmark
    public IndexedEvent decodeIndexEntry() {
        return IndexedEvent.fromBytes(indexed[next++ & (Samples.SIZE - 1)]);
    }

    private IndexedEvent indexEntry(final int i) {
        final LedgerEvent event = events[i];
        return new IndexedEvent(HASH, event.project().id(), event.occurredAt().toEpochMilli(), i, contributions[i], null);
    }
}
