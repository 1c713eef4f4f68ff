package org.cityledger.streams.state;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.TopologyDescription;

/**
 * Removes the RocksDB directories of stores a node's topology no longer has. Kafka Streams keeps a
 * task's persistent stores in {@code <state.dir>/<application.id>/<task>/rocksdb/<store>} and opens
 * only those its topology names; a store dropped by an upgrade (the event-time index, before the
 * audit timeline took its place) would otherwise stay on disk, untouched and never deleted, as
 * large as it was, until an operator wipes the state directory. Run it before Kafka Streams starts,
 * while no task has opened anything.
 *
 * <p>Only directories directly under a task's {@code rocksdb} directory are candidates: the task's
 * checkpoint and lock files, and anything else Kafka Streams keeps, are left alone.
 */
public final class RetiredStores {

    private static final String ROCKSDB_DIR = "rocksdb";

    private RetiredStores() {
    }

    /** Every store the topology names, in any of its sub-topologies. */
    public static Set<String> namedBy(final TopologyDescription topology) {
        final Set<String> names = new TreeSet<>();
        topology.subtopologies().forEach(sub -> sub.nodes().forEach(node -> {
            if (node instanceof TopologyDescription.Processor processor) {
                names.addAll(processor.stores());
            }
        }));
        topology.globalStores().forEach(global -> names.addAll(global.processor().stores()));
        return names;
    }

    /** A store directory removed, and the bytes its files took. */
    public record Removed(Path dir, long bytes) {
    }

    /**
     * Deletes, under {@code applicationDir} ({@code <state.dir>/<application.id>}), each task's store
     * directory whose name is not in {@code current}.
     *
     * @return the directories deleted; none if the application has no state here yet
     */
    public static List<Removed> remove(final Path applicationDir, final Set<String> current) {
        if (current.isEmpty()) {
            // a topology without stores says nothing about which are retired: delete nothing
            return List.of();
        }
        final List<Removed> retired = new ArrayList<>();
        if (!Files.isDirectory(applicationDir)) {
            return retired;
        }
        try (Stream<Path> tasks = Files.list(applicationDir)) {
            for (final Path task : tasks.filter(Files::isDirectory).sorted().toList()) {
                final Path rocksdb = task.resolve(ROCKSDB_DIR);
                if (!Files.isDirectory(rocksdb)) {
                    continue;
                }
                try (Stream<Path> stores = Files.list(rocksdb)) {
                    for (final Path store : stores.filter(Files::isDirectory).sorted().toList()) {
                        if (!current.contains(store.getFileName().toString())) {
                            final long bytes = sizeOf(store);
                            Utils.delete(store.toFile());
                            retired.add(new Removed(store, bytes));
                        }
                    }
                }
            }
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot remove retired stores under " + applicationDir + ": " + e.getMessage(), e);
        }
        return retired;
    }

    /** Bytes of the files under {@code dir}: what removing it frees, for the log. */
    private static long sizeOf(final Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            // File.length is 0 for a file that vanished meanwhile: a figure for the log, nothing depends on it
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        } catch (final IOException e) {
            return 0;
        }
    }
}
