package org.cityledger.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KeyValueMapper;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.LedgerEventSerde;
import org.cityledger.schema.Topics;
import org.cityledger.schema.UnreadableEventException;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;

/**
 * Stage 16's peer: the running totals written the obvious way in the Kafka Streams DSL. The events
 * are decoded, then grouped three times, by district, by sector and by district and sector, each
 * {@code groupBy(...)} repartitioning the decoded events (Avro again) through its own topic and each
 * {@code aggregate(...)} keeping its totals, exact decimals per kind and currency, in its own store.
 * Like stage 15 it neither de-duplicates nor validates; unreadable bytes are dropped.
 */
final class DslTopology {

    /** One grouping: its repartition topic's and its store's names, and how it keys an event. */
    enum Grouping {
        DISTRICT("dsl-by-district", "dsl-district-totals", PeerTotals.Level.DISTRICT),
        SECTOR("dsl-by-sector", "dsl-sector-totals", PeerTotals.Level.SECTOR),
        CELL("dsl-by-cell", "dsl-cell-totals", PeerTotals.Level.CELL);

        private final String repartition;
        private final String store;
        private final PeerTotals.Level level;

        Grouping(final String repartition, final String store, final PeerTotals.Level level) {
            this.repartition = repartition;
            this.store = store;
            this.level = level;
        }

        /** The name given to {@code Grouped}: the repartition topic is {@code <application id>-<this>-repartition}. */
        String repartition() {
            return repartition;
        }

        String repartitionTopic(final String applicationId) {
            return applicationId + "-" + repartition + "-repartition";
        }

        String store() {
            return store;
        }

        PeerTotals.Level level() {
            return level;
        }

        KeyValueMapper<String, LedgerEvent, String> key() {
            return (key, event) -> level.group(event.district(), event.sector());
        }
    }

    static final String SOURCE = "dsl-events";
    static final String DECODE = "dsl-decode";
    static final String READABLE = "dsl-readable";

    private DslTopology() {
    }

    static Topology build() {
        final EventCodec codec = new EventCodec();
        final Serde<LedgerEvent> events = new LedgerEventSerde(codec);
        final StreamsBuilder builder = new StreamsBuilder();
        final KStream<String, LedgerEvent> decoded = builder
                .stream(Topics.EVENTS, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName(SOURCE))
                .mapValues(bytes -> decodeOrNull(codec, bytes), Named.as(DECODE))
                .filter((key, event) -> event != null, Named.as(READABLE));
        for (final Grouping grouping : Grouping.values()) {
            decoded.groupBy(grouping.key(), Grouped.with(grouping.repartition(), Serdes.String(), events))
                    .aggregate(Sums::new, (group, event, sums) -> sums.add(event), Named.as(grouping.store() + "-aggregate"),
                            Materialized.<String, Sums, KeyValueStore<Bytes, byte[]>>as(grouping.store())
                                    .withKeySerde(Serdes.String()).withValueSerde(new SumsSerde()));
        }
        return builder.build();
    }

    private static LedgerEvent decodeOrNull(final EventCodec codec, final byte[] bytes) {
        try {
            return codec.decode(bytes);
        } catch (final UnreadableEventException e) {
            return null;
        }
    }

    /** The totals of one group: per kind and currency, events and the two figures. Mutable, as aggregates are. */
    static final class Sums {
        private final Map<String, PeerTotals.Sums> byKindAndCurrency = new TreeMap<>();

        Sums add(final LedgerEvent event) {
            byKindAndCurrency.computeIfAbsent(event.kind().name() + "/" + event.amount().currency(),
                    k -> new PeerTotals.Sums()).add(event);
            return this;
        }

        /** Keyed as {@link PeerTotals#at}, under {@code group}. */
        void into(final String group, final Map<String, PeerTotals.Sums> figures) {
            byKindAndCurrency.forEach((kindAndCurrency, sums) -> {
                final String[] parts = kindAndCurrency.split("/", 2);
                figures.put(PeerTotals.figureKey(group, EventKind.valueOf(parts[0]), parts[1]), sums);
            });
        }
    }

    /** Plain binary: the entries, each its key, its count and its two decimals as scale and unscaled bytes. */
    static final class SumsSerde implements Serde<Sums> {

        @Override
        public Serializer<Sums> serializer() {
            return (topic, sums) -> sums == null ? null : write(sums);
        }

        @Override
        public Deserializer<Sums> deserializer() {
            return (topic, bytes) -> bytes == null ? null : read(bytes);
        }

        private static byte[] write(final Sums sums) {
            final BinaryWriter out = new BinaryWriter(64).writeInt(sums.byKindAndCurrency.size());
            for (final Map.Entry<String, PeerTotals.Sums> entry : sums.byKindAndCurrency.entrySet()) {
                out.writeUtf(entry.getKey()).writeLong(entry.getValue().events()).writeDecimal(entry.getValue().amount())
                        .writeDecimal(entry.getValue().extra());
            }
            return out.toByteArray();
        }

        private static Sums read(final byte[] bytes) {
            final Sums sums = new Sums();
            final BinaryReader in = new BinaryReader(bytes);
            final int entries = in.readInt();
            for (int i = 0; i < entries; i++) {
                final String key = in.readUtf();
                final long events = in.readLong();
                sums.byKindAndCurrency.put(key, new PeerTotals.Sums(events, in.readDecimal(), in.readDecimal()));
            }
            return sums;
        }
    }

    /** Every grouping, for the harness's catch-up and checks. */
    static List<Grouping> groupings() {
        return List.of(Grouping.values());
    }
}
