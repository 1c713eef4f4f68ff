package org.cityledger.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;
import org.cityledger.streams.live.FeedEvent;
import org.cityledger.streams.live.Update;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * The live stream's wire format: one Server-Sent Event per {@link Update}, {@code id:}, {@code event:}
 * ({@code snapshot}, {@code delta} or {@code status}) and one line of JSON data. Totals have the
 * shape of {@code GET /api/totals/*} answers; a delta carries the changed slices' new values (not
 * differences), so applying deltas in order, or a snapshot, gives the same picture.
 */
final class LiveJson implements Function<Update, byte[]> {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String instance;

    LiveJson(final String instance) {
        this.instance = instance;
    }

    @Override
    public byte[] apply(final Update update) {
        final String data;
        try {
            data = MAPPER.writeValueAsString(json(update));
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a live update could not be written as JSON", e);
        }
        return ("id: " + update.id() + "\nevent: " + update.type().wireName() + "\ndata: " + data + "\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    Map<String, Object> json(final Update update) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", update.id());
        json.put("type", update.type().wireName());
        json.put("at", update.at().toString());
        json.put("instance", instance);
        json.put("complete", update.complete());
        if (update.reason() != null) {
            json.put("reason", update.reason());
        }
        json.put("offsets", update.offsets().stream().map(o -> o == PartitionTotals.ALL_RESTORED ? null : o).toList());
        if (update.type() == Update.Type.STATUS) {
            return json;
        }
        final boolean snapshot = update.type() == Update.Type.SNAPSHOT;
        final Map<String, Totals> slices = update.slices();
        if (snapshot || slices.containsKey(TotalsKey.SUMMARY)) {
            json.put("summary", TotalsJson.of(new Slice(null, null, slices.getOrDefault(TotalsKey.SUMMARY, Totals.EMPTY)), null));
        }
        final List<Map<String, Object>> districts = new ArrayList<>();
        for (final Reference.Code district : Reference.DISTRICTS) {
            final String key = TotalsKey.district(district.code());
            if (snapshot || slices.containsKey(key)) {
                districts.add(TotalsJson.of(new Slice(district.code(), null, slices.getOrDefault(key, Totals.EMPTY)), null));
            }
        }
        json.put("districts", districts);
        final List<Map<String, Object>> sectors = new ArrayList<>();
        for (final Reference.Code sector : Reference.SECTORS) {
            final String key = TotalsKey.sector(sector.code());
            if (snapshot || slices.containsKey(key)) {
                sectors.add(TotalsJson.of(new Slice(null, sector.code(), slices.getOrDefault(key, Totals.EMPTY)), null));
            }
        }
        json.put("sectors", sectors);
        final List<Map<String, Object>> cells = new ArrayList<>();
        slices.forEach((key, totals) -> {
            if (key.startsWith(TotalsKey.CELL_PREFIX)) {
                final String[] cell = TotalsKey.suffix(key).split("\\|", 2);
                cells.add(TotalsJson.of(new Slice(cell[0], cell[1], totals), null));
            }
        });
        json.put("cells", cells);
        json.put("events", update.events().stream().map(LiveJson::event).toList());
        return json;
    }

    private static Map<String, Object> event(final FeedEvent event) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", event.eventId());
        json.put("kind", event.kind().name());
        json.put("project", event.project());
        if (event.projectName() != null) {
            json.put("projectName", event.projectName());
        }
        if (event.company() != null) {
            json.put("company", event.company());
        }
        json.put("district", event.district());
        json.put("sector", event.sector());
        json.put("currency", event.currency().toUpperCase(Locale.ROOT));
        json.put("amount", TotalsJson.money(event.amount()));
        if (event.extra() != null) {
            json.put(event.kind() == EventKind.GROUNDBREAKING ? "plannedWithinYear" : "matching", TotalsJson.money(event.extra()));
        }
        if (event.corrects() != null) {
            json.put("corrects", event.corrects());
        }
        json.put("occurredAt", Instant.ofEpochMilli(event.occurredAt()).toString());
        json.put("arrivedAt", Instant.ofEpochMilli(event.arrivedAt()).toString());
        json.put("partition", event.partition());
        json.put("offset", event.offset());
        return json;
    }
}
