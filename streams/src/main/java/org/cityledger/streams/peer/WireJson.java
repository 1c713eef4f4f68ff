package org.cityledger.streams.peer;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cityledger.streams.query.EventsRequest;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.query.Verdict;
import org.cityledger.streams.query.VerdictRequest;
import org.cityledger.streams.state.DeadLetterPage;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.state.SliceEvent;
import org.cityledger.streams.totals.Totals;

/**
 * The wire format between instances: the {@code /internal/...} paths and the JSON on them, written
 * by the answering side (the HTTP API's internal controller) and read here by {@link HttpPeers}, so
 * both ends change together. Decimals travel as strings so that no amount passes through a double
 * on its way between instances.
 */
public final class WireJson {

    /** The partials of some partitions: {@code ?kind=&partitions=1,2[&prefix=&asOf=&before=&limit=&maxLag=]}. */
    public static final String PARTIALS_PATH = "/internal/partials";
    /** One counted event, from the instance owning {@code ?partition=}; JSON {@code null} when unknown. */
    public static final String EVENT_PATH = "/internal/projects/{project}/events/{event}";
    /** The answering instance describing itself. */
    public static final String INSTANCE_PATH = "/internal/instance";
    /** A project's committed facts, from the instance owning {@code ?partition=}. */
    public static final String FACTS_PATH = "/internal/projects/{project}/facts";
    /** Counted events of some partitions the answering instance runs: POST {@link EventsQuestion}. */
    public static final String EVENTS_PATH = "/internal/events";
    /** Verdicts on records of partitions the answering instance runs: POST a JSON array of requests, {@code ?wait=PT5S}. */
    public static final String VERDICTS_PATH = "/internal/verdicts";

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(MapperFeature.AUTO_DETECT_IS_GETTERS)
            .build();

    static {
        MAPPER.configOverride(BigDecimal.class).setFormat(JsonFormat.Value.forShape(JsonFormat.Shape.STRING));
    }

    /** Partials on the wire: per partition as JSON-object keys. */
    private record PartialsWire<T>(Map<Integer, T> byPartition, Provenance provenance) {
    }

    private WireJson() {
    }

    /** A mapper configured as the wire's (exact decimals as strings, unknown fields ignored), for other JSON between processes of ours. */
    public static ObjectMapper mapperCopy() {
        return MAPPER.copy();
    }

    public static String writePartials(final Partials<?> partials) {
        return write(new PartialsWire<>(partials.byPartition(), partials.provenance()));
    }

    /** {@code null} when the owner does not know the event. */
    public static String writeEvent(final Optional<IndexedEvent> event) {
        return write(event.orElse(null));
    }

    public static String writeInstance(final InstanceInfo instance) {
        return write(instance);
    }

    /** An events question on the wire: what is asked, of which partitions. */
    public record EventsQuestion(EventsRequest request, Set<Integer> partitions) {
    }

    static String writeEventsQuestion(final EventsRequest request, final Set<Integer> partitions) {
        return write(new EventsQuestion(request, partitions));
    }

    public static EventsQuestion readEventsQuestion(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, EventsQuestion.class);
    }

    public static String writeSliceEvents(final List<SliceEvent> events) {
        return write(events);
    }

    static List<SliceEvent> readSliceEvents(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, new TypeReference<List<SliceEvent>>() { });
    }

    public static String writeFacts(final List<ProjectFact> facts) {
        return write(facts);
    }

    public static String writeVerdicts(final List<Verdict> verdicts) {
        return write(verdicts);
    }

    /** The body of a verdicts question. */
    static String writeVerdictRequests(final List<VerdictRequest> requests) {
        return write(requests);
    }

    /** What the answering side reads from a verdicts question. */
    public static List<VerdictRequest> readVerdictRequests(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, new TypeReference<List<VerdictRequest>>() { });
    }

    static List<ProjectFact> readFacts(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, new TypeReference<List<ProjectFact>>() { });
    }

    static List<Verdict> readVerdicts(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, new TypeReference<List<Verdict>>() { });
    }

    static String factsPath(final String projectId, final int partition) {
        return FACTS_PATH.replace("{project}", encode(projectId)) + "?partition=" + partition;
    }

    static String eventPath(final String projectId, final String eventId, final int partition) {
        return EVENT_PATH.replace("{project}", encode(projectId)).replace("{event}", encode(eventId))
                + "?partition=" + partition;
    }

    static String encode(final String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static String write(final Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    static <T> Partials<T> readPartials(final PartialsRequest<T> request, final String json) throws JsonProcessingException {
        final PartialsWire<?> wire = switch (request.kind()) {
            case TOTALS -> MAPPER.readValue(json, new TypeReference<PartialsWire<Map<String, Totals>>>() { });
            case DEAD_LETTERS -> MAPPER.readValue(json, new TypeReference<PartialsWire<DeadLetterPage>>() { });
            case PARTITION_TOTALS -> MAPPER.readValue(json, new TypeReference<PartialsWire<PartitionTotals>>() { });
        };
        final Map<Integer, T> byPartition = new LinkedHashMap<>();
        wire.byPartition().forEach((partition, answer) -> byPartition.put(partition, request.resultOf(answer)));
        return new Partials<>(byPartition, wire.provenance());
    }

    static Optional<IndexedEvent> readEvent(final String json) throws JsonProcessingException {
        return json.isBlank() || "null".equals(json.strip()) ? Optional.empty() : Optional.of(MAPPER.readValue(json, IndexedEvent.class));
    }

    static InstanceInfo readInstance(final String json) throws JsonProcessingException {
        return MAPPER.readValue(json, InstanceInfo.class);
    }
}
