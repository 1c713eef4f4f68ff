package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.streams.KafkaClientSupplier;
import org.apache.kafka.streams.processor.TaskId;
import org.cityledger.broker.EmbeddedKafkaBroker;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.Topics;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.state.CommitGate;
import org.cityledger.streams.state.ForwardingProducer;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract between the ledger's stores and Kafka Streams' exactly-once commit, on a real
 * broker. Transactions are made to fail after the stores staged their changes (the producer is
 * "fenced" at commit time): readers must never see what those transactions held, the totals after
 * recovery must be exact, and the order in which Kafka Streams calls the stores' hooks and the
 * producer is pinned here, so that a Kafka upgrade that changes it fails this test first
 * (see {@code CommitGatedStore}).
 */
class StoreCommitContractIT {

    private static final int BATCH = 60;

    @TempDir
    Path stateDir;

    private EmbeddedKafkaBroker broker;
    private LedgerNode node;
    private final ConcurrentLinkedQueue<Seen> hooks = new ConcurrentLinkedQueue<>();
    /** How many of the next commits fail. */
    private final AtomicInteger commitsToFail = new AtomicInteger();
    private final AtomicInteger injected = new AtomicInteger();
    /** What a reader saw at the moment each injected failure happened. */
    private final ConcurrentLinkedQueue<Long> seenAtFailure = new ConcurrentLinkedQueue<>();
    private volatile LedgerNode running;

    /** One hook as the observer saw it. */
    private record Seen(String thread, String store, TaskId task, CommitGate.Hook hook) {
        @Override
        public String toString() {
            return hook + (store == null ? "" : "(" + store + " " + task + ")");
        }
    }

    @BeforeEach
    void start() throws Exception {
        broker = EmbeddedKafkaBroker.builder().build().start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
        // one stream thread: one transaction holds every task's changes, and the hooks come in one sequence
        final LedgerConfig config = LedgerConfig.defaults(broker.bootstrapServers(), stateDir).withHttpPort(0).withStreamThreads(1);
        node = new LedgerNode(config, new FaultyClients(), (store, task, hook) -> {
            hooks.add(new Seen(Thread.currentThread().getName(), store, task, hook));
            if (hook == CommitGate.Hook.COMMIT_FAILED) {
                // the stores staged their changes into this transaction, which will never commit: ask as a reader would
                seenAtFailure.add(eventsVisible());
            }
        }).start();
        running = node;
        assertThat(node.awaitRunning(Duration.ofSeconds(90))).isTrue();
    }

    @AfterEach
    void stop() {
        node.close();
        broker.close();
    }

    @Test
    void shouldNeverShowAnAbortedTransactionAndCountExactlyAfterRecovery() throws Exception {
        publish(events("a", BATCH));
        await().atMost(Duration.ofSeconds(60)).ignoreException(QueryUnavailableException.class)
                .until(() -> summary().events() == BATCH);

        // three failures: the second batch is processed, staged and aborted, then processed again by revived tasks
        commitsToFail.set(3);
        publish(events("b", BATCH));
        await().atMost(Duration.ofSeconds(120)).ignoreException(QueryUnavailableException.class)
                .until(() -> summary().events() == 2L * BATCH);

        // -1: that failure came while the tasks were still being restored, so nothing answered
        assertThat(seenAtFailure.stream().filter(seen -> seen >= 0).toList())
                .as("events a reader saw while a transaction holding the second batch failed")
                .isNotEmpty().containsOnly((long) BATCH);
        // no batch-two event could count before three commits had failed
        assertThat(injected.get()).isEqualTo(3);
        assertThat(revivedAfterInjection()).isTrue();
        assertThat(summary().signing().amounts().get("CNY")).isEqualByComparingTo(expectedAmount(2 * BATCH));
        assertThat(node.totals().check(Ask.NOW).value().holds()).isTrue();

        assertHookOrder(List.copyOf(hooks));
    }

    /**
     * The order Kafka Streams 4.4 keeps, on the stream thread: a commit flushes every store that
     * processed records, then adds the offsets and commits, and only then do the stores publish (a
     * failed commit, a producer hook, in between means no publish); a store whose changes a failed
     * commit held discards them, and before it processes again Kafka Streams closes it, initialises
     * it anew (restoring it) and its processor opens it. Seen in 4.4 (folded):
     * {@code ... FLUSHx12 SEND_OFFSETS COMMIT_TRANSACTION COMMIT_FAILED DISCARDx6 FLUSHx2 CLOSEx2
     * ABORT_TRANSACTION ... INITx12 OPENx12 FLUSHx10 SEND_OFFSETS COMMIT_TRANSACTION PUBLISHx2 ...}.
     */
    private static void assertHookOrder(final List<Seen> seen) {
        final List<Seen> thread = seen.stream().filter(s -> s.thread().contains("StreamThread")).toList();
        assertThat(thread).as("hooks on the stream thread").isNotEmpty();
        final List<String> problems = new ArrayList<>();
        int lastCommit = -1;
        for (int i = 0; i < thread.size(); i++) {
            final Seen s = thread.get(i);
            switch (s.hook()) {
                case PUBLISH -> {
                    if (lastCommit < 0 || thread.subList(lastCommit + 1, i).stream()
                            .anyMatch(o -> o.store() == null)) {
                        problems.add(i + ": " + s + " not right after a COMMIT_TRANSACTION");
                    }
                    final int from = previousCommitBefore(thread, lastCommit);
                    if (thread.subList(from + 1, lastCommit).stream().noneMatch(o -> o.hook() == CommitGate.Hook.FLUSH
                            && o.store().equals(s.store()) && o.task().equals(s.task()))) {
                        problems.add(i + ": " + s + " published without a FLUSH in its transaction");
                    }
                    if (thread.subList(from + 1, lastCommit).stream().noneMatch(o -> o.hook() == CommitGate.Hook.SEND_OFFSETS)) {
                        problems.add(i + ": " + s + " published without the offsets sent in its transaction");
                    }
                }
                case COMMIT_TRANSACTION -> lastCommit = i;
                case OPEN -> {
                    // the last hook of this store before OPEN must be INIT or SUSPEND: never reopened after a discard
                    final Seen before = lastOfStore(thread, i, s);
                    if (before == null || (before.hook() != CommitGate.Hook.INIT && before.hook() != CommitGate.Hook.SUSPEND)) {
                        problems.add(i + ": " + s + " after " + before);
                    }
                }
                case DISCARD -> {
                    final List<CommitGate.Hook> next = thread.subList(i + 1, thread.size()).stream()
                            .filter(o -> s.store().equals(o.store()) && s.task().equals(o.task()))
                            .map(Seen::hook).filter(h -> h != CommitGate.Hook.CLEAR_CACHE && h != CommitGate.Hook.FLUSH)
                            .limit(2).toList();
                    // closed and initialised anew (its state restored) before anything else; OPEN is checked above
                    if (!next.equals(List.of(CommitGate.Hook.CLOSE, CommitGate.Hook.INIT))) {
                        problems.add(i + ": " + s + " followed by " + next + ", expected CLOSE, INIT");
                    }
                }
                default -> {
                    // INIT, FLUSH, SEND_OFFSETS, ABORT_TRANSACTION, SUSPEND, CLEAR_CACHE, CLOSE: checked as context above
                }
            }
        }
        assertThat(problems).as("hook order; the whole sequence: %s", summarise(thread)).isEmpty();
        assertThat(thread).as("at least one transaction failed and was discarded")
                .anyMatch(s -> s.hook() == CommitGate.Hook.COMMIT_FAILED)
                .anyMatch(s -> s.hook() == CommitGate.Hook.DISCARD);
    }

    private static int previousCommitBefore(final List<Seen> thread, final int commit) {
        for (int j = commit - 1; j >= 0; j--) {
            if (thread.get(j).hook() == CommitGate.Hook.COMMIT_TRANSACTION) {
                return j;
            }
        }
        return -1;
    }

    private static Seen lastOfStore(final List<Seen> thread, final int before, final Seen s) {
        for (int j = before - 1; j >= 0; j--) {
            final Seen o = thread.get(j);
            if (s.store().equals(o.store()) && s.task().equals(o.task())) {
                return o;
            }
        }
        return null;
    }

    /** Consecutive repeats folded, for the assertion message. */
    private static String summarise(final List<Seen> thread) {
        final List<String> folded = new ArrayList<>();
        String last = null;
        int repeats = 0;
        for (final Seen s : thread) {
            if (s.hook().name().equals(last)) {
                repeats++;
                continue;
            }
            if (last != null) {
                folded.add(last + (repeats > 1 ? "x" + repeats : ""));
            }
            last = s.hook().name();
            repeats = 1;
        }
        folded.add(last + (repeats > 1 ? "x" + repeats : ""));
        return folded.stream().limit(400).collect(Collectors.joining(" "));
    }

    private boolean revivedAfterInjection() {
        boolean failed = false;
        for (final Seen s : hooks) {
            if (s.hook() == CommitGate.Hook.COMMIT_FAILED) {
                failed = true;
            } else if (failed && s.hook() == CommitGate.Hook.OPEN) {
                return true;
            }
        }
        return false;
    }

    private long eventsVisible() {
        try {
            return running.totals().summary(Ask.NOW).value().totals().events();
        } catch (final QueryUnavailableException e) {
            return -1;
        }
    }

    private Totals summary() {
        return node.totals().summary(Ask.NOW).value().totals();
    }

    private static BigDecimal expectedAmount(final int events) {
        return BigDecimal.valueOf(events).multiply(new BigDecimal("10.00"));
    }

    private static List<LedgerEvent> events(final String prefix, final int count) {
        final List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(TestEvents.signing(prefix + "-" + i, "kunshan", "displays", "10.00", "CNY"));
        }
        return events;
    }

    private void publish(final List<LedgerEvent> events) throws Exception {
        TopicWriter.publish(broker.bootstrapServers(), events);
    }

    /** Kafka Streams' clients, whose producers fail the next {@link #commitsToFail} commits. */
    private final class FaultyClients implements KafkaClientSupplier {

        private final KafkaClientSupplier plain = CommitGate.plainClients();

        @Override
        public Admin getAdmin(final Map<String, Object> config) {
            return plain.getAdmin(config);
        }

        @Override
        public Producer<byte[], byte[]> getProducer(final Map<String, Object> config) {
            // as if another instance had fenced it: the transaction stays open, and the next producer
            // Kafka Streams makes for the thread aborts it when it initialises its transactions
            return new ForwardingProducer(plain.getProducer(config)) {
                @Override
                public void commitTransaction() {
                    if (commitsToFail.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        injected.incrementAndGet();
                        throw new ProducerFencedException("injected by StoreCommitContractIT");
                    }
                    super.commitTransaction();
                }
            };
        }

        @Override
        public Consumer<byte[], byte[]> getConsumer(final Map<String, Object> config) {
            return plain.getConsumer(config);
        }

        @Override
        public Consumer<byte[], byte[]> getRestoreConsumer(final Map<String, Object> config) {
            return plain.getRestoreConsumer(config);
        }

        @Override
        public Consumer<byte[], byte[]> getGlobalConsumer(final Map<String, Object> config) {
            return plain.getGlobalConsumer(config);
        }
    }
}
