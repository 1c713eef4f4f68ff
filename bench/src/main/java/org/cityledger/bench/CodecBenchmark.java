package org.cityledger.bench;

import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
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
 * Events encoded and decoded per second by {@link EventCodec} (Avro single-object encoding), over
 * the harness's realistic mix of kinds, currencies and name lengths rather than one event again
 * and again, so branch prediction and string sizes are those of real traffic.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class CodecBenchmark {

    private EventCodec codec;
    private LedgerEvent[] events;
    private byte[][] encoded;

    /** Each benchmark thread walks the samples on its own. */
    @State(Scope.Thread)
    public static class Cursor {
        private int next;

        int next() {
            return next++ & (Samples.SIZE - 1);
        }
    }

    @Setup
    public void setUp() {
        codec = new EventCodec();
        final List<LedgerEvent> sample = Samples.events(codec);
        events = sample.toArray(new LedgerEvent[0]);
        encoded = new byte[events.length][];
        for (int i = 0; i < events.length; i++) {
            encoded[i] = codec.encode(events[i]);
        }
    }

    @Benchmark
    public byte[] encode(final Cursor cursor) {
        return codec.encode(events[cursor.next()]);
    }

    @Benchmark
    public LedgerEvent decode(final Cursor cursor) {
        return codec.decode(encoded[cursor.next()]);
    }
}
