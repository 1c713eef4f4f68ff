package org.cityledger.bench;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

/**
 * How long a Kafka Streams application takes to work through a topic from offset 0 to given end
 * offsets, watched from outside through the offsets its consumer group commits, so that the
 * ledger and the bare baseline are measured the same way and neither needs a hook. Under EOS an
 * offset is committed in the same transaction as the state it produced: committed means done.
 */
final class CatchUp {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final Duration STALL = Duration.ofSeconds(120);
    private static final Set<KafkaStreams.State> DEAD = Set.of(KafkaStreams.State.ERROR,
            KafkaStreams.State.PENDING_ERROR, KafkaStreams.State.PENDING_SHUTDOWN, KafkaStreams.State.NOT_RUNNING);

    /**
     * @param records                 records in the topic up to the end offsets
     * @param seconds                 from {@code KafkaStreams.start()} until every offset was committed
     * @param recordsAfterFirstCommit records committed after the first commit was seen
     * @param secondsAfterFirstCommit from the first commit seen to the end: the rate without start-up
     *                                (joining the group, initialising transactions, opening stores)
     */
    record Result(long records, double seconds, long recordsAfterFirstCommit, double secondsAfterFirstCommit) {

        double recordsPerSecond() {
            return records / seconds;
        }

        /** The steady rate; the whole rate when the run was too short to see more than one commit. */
        double steadyRecordsPerSecond() {
            return secondsAfterFirstCommit > 0 && recordsAfterFirstCommit > 0
                    ? recordsAfterFirstCommit / secondsAfterFirstCommit : recordsPerSecond();
        }
    }

    private CatchUp() {
    }

    /**
     * Waits until {@code groupId} has committed {@code end} on every partition.
     *
     * @param startNanos when the application was started ({@link System#nanoTime()})
     * @param failure    why the application stopped, if it did
     */
    static Result await(final KafkaStreams streams, final Supplier<Throwable> failure, final Admin admin,
                        final String groupId, final String topic, final Map<TopicPartition, Long> end,
                        final long startNanos, final Progress progress) {
        return await(() -> DEAD.contains(streams.state()) ? "Kafka Streams application " + groupId + " stopped in state "
                + streams.state() : null, failure, () -> "state " + streams.state(), admin, groupId, topic, end, startNanos,
                progress);
    }

    /**
     * As {@link #await(KafkaStreams, Supplier, Admin, String, String, Map, long, Progress)}, for an
     * application this JVM cannot look into (a node in a process of its own).
     *
     * @param stopped why the application stopped, or null while it runs
     * @param state   what to say of the application when it makes no progress
     */
    static Result await(final Supplier<String> stopped, final Supplier<Throwable> failure, final Supplier<String> state,
                        final Admin admin, final String groupId, final String topic, final Map<TopicPartition, Long> end,
                        final long startNanos, final Progress progress) {
        final long total = KafkaClients.sum(end);
        long firstCommitNanos = -1;
        long committedAtFirst = 0;
        long lastCommitted = -1;
        long lastChangeNanos = System.nanoTime();
        while (true) {
            final String why = stopped.get();
            if (why != null) {
                throw new IllegalStateException(why, failure.get());
            }
            final Map<TopicPartition, Long> committed = KafkaClients.committed(admin, groupId, topic);
            final long now = System.nanoTime();
            long done = 0;
            boolean caughtUp = true;
            for (final Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
                final long offset = committed.getOrDefault(partition.getKey(), 0L);
                done += Math.min(offset, partition.getValue());
                caughtUp &= offset >= partition.getValue();
            }
            if (done > 0 && firstCommitNanos < 0) {
                firstCommitNanos = now;
                committedAtFirst = done;
            }
            if (done != lastCommitted) {
                lastCommitted = done;
                lastChangeNanos = now;
                progress.update(done);
            } else if (now - lastChangeNanos > STALL.toNanos()) {
                throw new IllegalStateException(groupId + " made no progress for " + STALL + " at " + done + " of "
                        + total + " records (" + state.get() + ")");
            }
            if (caughtUp) {
                final double seconds = (now - startNanos) / 1e9;
                final double afterFirst = firstCommitNanos < 0 ? 0 : (now - firstCommitNanos) / 1e9;
                return new Result(total, seconds, total - committedAtFirst, afterFirst);
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }
}
