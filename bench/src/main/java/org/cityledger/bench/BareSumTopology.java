package org.cityledger.bench;

import java.util.Map;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.cityledger.schema.Topics;

/**
 * The Streams ceiling: the least a stateful exactly-once application can do with the ledger's
 * events. One processor adds each record's size to a long per key in one persistent, cached,
 * changelogged key-value store (the storage pattern of the ledger's event index), without decoding
 * anything. Whatever the ledger costs beyond this is its own work: Avro, rules, de-duplication,
 * totals.
 */
final class BareSumTopology {

    static final String STORE = "bench-bare-sums";

    private BareSumTopology() {
    }

    static Topology build() {
        final Topology topology = new Topology();
        topology.addSource("events", new StringDeserializer(), new ByteArrayDeserializer(), Topics.EVENTS);
        topology.addProcessor("sum", SumProcessor::new, "events");
        topology.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                        Serdes.Long())
                .withCachingEnabled()
                .withLoggingEnabled(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                "sum");
        return topology;
    }

    private static final class SumProcessor implements Processor<String, byte[], Void, Void> {

        private KeyValueStore<String, Long> sums;

        @Override
        public void init(final ProcessorContext<Void, Void> context) {
            sums = context.getStateStore(STORE);
        }

        @Override
        public void process(final Record<String, byte[]> record) {
            final Long sum = sums.get(record.key());
            sums.put(record.key(), (sum == null ? 0L : sum) + record.value().length);
        }
    }
}
