package org.cityledger.streams.http;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.totals.Totals;

/**
 * The JSON that instances exchange on {@code /internal/...}. Decimals travel as strings so that no
 * amount passes through a double on its way between instances.
 */
final class WireJson {

    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .build();

    static {
        MAPPER.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
    }

    /** Partials on the wire: per partition as JSON-object keys. */
    record PartialsWire<T>(Map<Integer, T> byPartition, Provenance provenance) {
    }

    private WireJson() {
    }

    static String write(final Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static Partials readPartials(final PartialsRequest.Kind kind, final String json) throws JsonProcessingException {
        final PartialsWire<?> wire = switch (kind) {
            case TOTALS -> MAPPER.readValue(json, new TypeReference<PartialsWire<Map<String, Totals>>>() { });
            case DEAD_LETTERS -> MAPPER.readValue(json, new TypeReference<PartialsWire<DeadLetterPage>>() { });
        };
        return new Partials(new LinkedHashMap<>(wire.byPartition()), wire.provenance());
    }

    static Optional<IndexedEvent> readEvent(final String json) throws JsonProcessingException {
        return json.isBlank() || "null".equals(json.strip()) ? Optional.empty() : Optional.of(MAPPER.readValue(json, IndexedEvent.class));
    }

    static InstanceInfo readInstance(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, InstanceInfo.class);
    }
}
