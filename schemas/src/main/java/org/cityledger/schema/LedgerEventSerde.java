package org.cityledger.schema;

import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import org.cityledger.domain.LedgerEvent;

/**
 * Kafka serde for ledger events in Avro single-object encoding. Deserialization throws
 * {@link UnreadableEventException} for foreign bytes; the topology reads raw bytes and decodes
 * itself so that such a record goes to the dead-letter topic instead of stopping the ledger.
 */
public final class LedgerEventSerde implements Serde<LedgerEvent> {

    private final EventCodec codec;

    public LedgerEventSerde() {
        this(new EventCodec());
    }

    public LedgerEventSerde(final EventCodec codec) {
        this.codec = codec;
    }

    @Override
    public Serializer<LedgerEvent> serializer() {
        return (topic, event) -> event == null ? null : codec.encode(event);
    }

    @Override
    public Deserializer<LedgerEvent> deserializer() {
        return (topic, bytes) -> bytes == null ? null : codec.decode(bytes);
    }
}
