package org.cityledger.streams.query;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.streams.state.HostInfo;

/**
 * Who holds which partition of the events topic, as far as this instance knows. The production
 * implementation reads Kafka Streams' metadata; routing tests use a fixed map.
 */
public interface Cluster {

    /** Partition → the instance running its active task; partitions being reassigned are absent. */
    Map<Integer, HostInfo> activeOwners();

    /** The instances keeping a standby copy of {@code partition}. */
    List<HostInfo> standbys(int partition);

    /** Every instance of the application. */
    List<HostInfo> instances();

    /** The partition and active owner of a project (the events' key), empty while unassigned. */
    Optional<Owner> ownerOf(String projectId);

    /** A key's partition and the instance running it. */
    record Owner(int partition, HostInfo host) {
    }
}
