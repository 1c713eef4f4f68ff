package org.cityledger.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.LedgerNode;
import org.cityledger.streams.query.QueryUnavailableException;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.StreamsCluster;
import org.cityledger.schema.KafkaConnection;

/**
 * Several ledger instances of one application in this JVM, as the README's "Many nodes" runs them:
 * one application id, a state dir and an HTTP port each, the default standby. Knows how the
 * instances name themselves ({@code X-Ledger-Instance}) and who owns which project.
 *
 * <p>The instances start together, from empty state, on purpose. Kafka Streams' assignor leaves a
 * partition on an instance that is caught up on it and only warms a copy up elsewhere, moving it at
 * the next probing rebalance (ten minutes by default); instances joining an already running one
 * would sit idle through the whole stage. Joining within a moment of each other, before any has
 * built much state, all count as caught up and the partitions are shared out evenly.
 */
final class LedgerCluster implements AutoCloseable {

    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    /** Longer than a node takes to close (its Streams are given 30 s). */
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(60);

    private final String applicationId;
    private final List<LedgerNode> nodes;
    private final long startNanos = System.nanoTime();

    private LedgerCluster(final String applicationId, final List<LedgerNode> nodes) {
        this.applicationId = applicationId;
        this.nodes = nodes;
    }

    /** The one node {@code node}, started elsewhere, as a cluster to await its assignment; closing it stays the caller's. */
    static LedgerCluster of(final LedgerNode node) {
        return new LedgerCluster(node.config().applicationId(), List.of(node));
    }

    /** Starts {@code size} instances of {@code applicationId}, each with its state under {@code stateRoot}. */
    static LedgerCluster start(final KafkaConnection kafka, final String applicationId, final Path stateRoot, final int size) {
        final List<LedgerNode> nodes = new ArrayList<>();
        final LedgerCluster cluster = new LedgerCluster(applicationId, nodes);
        try {
            // built first (each asks the broker for the partition count and builds its topology), so that
            // the starts below follow each other closely
            for (int i = 1; i <= size; i++) {
                nodes.add(new LedgerNode(LedgerConfig.defaults(kafka.bootstrapServers(), stateRoot.resolve("node-" + i)).withKafka(kafka)
                        .withApplicationId(applicationId).withHttpPort(0)));
            }
            // in parallel: a node starts its HTTP server after Streams, which would hold the next node back
            inParallel(nodes, LedgerNode::start, "start");
            return cluster;
        } catch (final RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    String applicationId() {
        return applicationId;
    }

    List<LedgerNode> nodes() {
        return List.copyOf(nodes);
    }

    /** How {@code node} names itself in {@code X-Ledger-Instance}: its advertised host and port. */
    static String instanceId(final LedgerNode node) {
        return Router.hostId(new HostInfo(node.config().advertisedHost(), node.config().httpPort()));
    }

    /** Every instance, as a summary fanned out to all of them names its answerers: sorted, comma-separated. */
    String allInstances() {
        final TreeSet<String> sorted = new TreeSet<>();
        nodes.forEach(n -> sorted.add(instanceId(n)));
        return String.join(",", sorted);
    }

    /**
     * The instance running the active copy of {@code projectId}'s partition, as the ledger routes it
     * (the router's own lookup, {@link StreamsCluster#ownerOf}); null while unassigned.
     */
    LedgerNode ownerOf(final String projectId) {
        return new StreamsCluster(nodes.get(0).streams()).ownerOf(projectId)
                .map(owner -> Router.hostId(owner.host()))
                .flatMap(id -> nodes.stream().filter(n -> instanceId(n).equals(id)).findFirst())
                .orElse(null);
    }

    /**
     * Waits until every instance is running and all see the same assignment.
     *
     * @return each instance's active partitions of the events topic
     */
    Map<String, List<Integer>> awaitSettled() {
        final long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            final List<String> notRunning = new ArrayList<>();
            for (final LedgerNode node : nodes) {
                if (node.streams().state() != KafkaStreams.State.RUNNING) {
                    notRunning.add(instanceId(node) + " " + node.streams().state());
                }
            }
            final Map<String, List<Integer>> seen = notRunning.isEmpty() ? agreedAssignment() : null;
            if (seen != null) {
                return seen;
            }
            last = notRunning.isEmpty() ? "the instances disagree on the assignment" : String.join(", ", notRunning);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
        }
        throw new IllegalStateException("the " + nodes.size() + " instances did not settle within " + SETTLE_TIMEOUT
                + ": " + last);
    }

    /** The instances without an active partition in {@code assignment}: a fan-out does not reach them. */
    static List<String> idle(final Map<String, List<Integer>> assignment) {
        return assignment.entrySet().stream().filter(e -> e.getValue().isEmpty()).map(Map.Entry::getKey).toList();
    }

    double secondsSinceStart() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The assignment every instance sees, or null while they see it differently (a rebalance is under way). */
    private Map<String, List<Integer>> agreedAssignment() {
        try {
            final Map<String, List<Integer>> first = assignmentSeenBy(nodes.get(0));
            for (final LedgerNode node : nodes.subList(1, nodes.size())) {
                if (!assignmentSeenBy(node).equals(first)) {
                    return null;
                }
            }
            return first;
        } catch (final QueryUnavailableException rebalancing) {
            // an instance left RUNNING since it was looked at: its metadata is not to be had yet
            return null;
        }
    }

    /** Each instance's active partitions of the events topic, as {@code node} sees the group (and routes by it). */
    private Map<String, List<Integer>> assignmentSeenBy(final LedgerNode node) {
        final Map<String, TreeSet<Integer>> partitions = new TreeMap<>();
        // an instance without partitions may be missing from the metadata: list every one
        nodes.forEach(n -> partitions.put(instanceId(n), new TreeSet<>()));
        new StreamsCluster(node.streams()).activeOwners().forEach((partition, host) ->
                partitions.computeIfAbsent(Router.hostId(host), h -> new TreeSet<>()).add(partition));
        final Map<String, List<Integer>> view = new LinkedHashMap<>();
        partitions.forEach((instance, active) -> view.put(instance, List.copyOf(active)));
        return view;
    }

    /** Closes every instance, together: one after the other, each leaving would hand its partitions to the rest. */
    @Override
    public void close() {
        inParallel(nodes, LedgerNode::close, "close");
    }

    private static void inParallel(final List<LedgerNode> nodes, final Consumer<LedgerNode> action, final String what) {
        final AtomicReference<RuntimeException> failure = new AtomicReference<>();
        final List<Thread> threads = new ArrayList<>();
        for (final LedgerNode node : nodes) {
            final Thread thread = new Thread(() -> {
                try {
                    action.accept(node);
                } catch (final RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
            }, "bench-cluster-" + what);
            threads.add(thread);
            thread.start();
        }
        for (final Thread thread : threads) {
            try {
                thread.join(JOIN_TIMEOUT.toMillis());
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted during " + what + " of the ledger instances", e);
            }
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }
}
