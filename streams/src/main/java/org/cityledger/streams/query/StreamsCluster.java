package org.cityledger.streams.query;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.state.HostInfo;
import org.cityledger.schema.Topics;
import org.cityledger.streams.topology.LedgerTopology;

/** {@link Cluster} from Kafka Streams' own metadata (kept current by the consumer group protocol). */
public final class StreamsCluster implements Cluster {

    private final KafkaStreams streams;

    public StreamsCluster(final KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Map<Integer, HostInfo> activeOwners() {
        final Map<Integer, HostInfo> owners = new HashMap<>();
        for (final StreamsMetadata client : metadata()) {
            for (final TopicPartition tp : client.topicPartitions()) {
                if (tp.topic().equals(Topics.EVENTS)) {
                    owners.put(tp.partition(), client.hostInfo());
                }
            }
        }
        return owners;
    }

    @Override
    public List<HostInfo> standbys(final int partition) {
        final TopicPartition wanted = new TopicPartition(Topics.EVENTS, partition);
        final List<HostInfo> hosts = new ArrayList<>();
        for (final StreamsMetadata client : metadata()) {
            if (client.standbyTopicPartitions().contains(wanted)) {
                hosts.add(client.hostInfo());
            }
        }
        return hosts;
    }

    @Override
    public List<HostInfo> instances() {
        return metadata().stream().map(StreamsMetadata::hostInfo).toList();
    }

    @Override
    public Optional<Owner> ownerOf(final String projectId) {
        final KeyQueryMetadata owner;
        try {
            owner = streams.queryMetadataForKey(LedgerTopology.EVENT_INDEX_STORE, projectId, Serdes.String().serializer());
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("the ledger cannot locate project " + projectId + " right now", e);
        }
        if (owner == null || owner.activeHost() == null || owner.activeHost().equals(HostInfo.unavailable())) {
            return Optional.empty();
        }
        return Optional.of(new Owner(owner.partition(), owner.activeHost()));
    }

    private Collection<StreamsMetadata> metadata() {
        try {
            return streams.metadataForAllStreamsClients();
        } catch (final RuntimeException e) {
            throw new QueryUnavailableException("the ledger's metadata is not available in state " + streams.state(), e);
        }
    }
}
