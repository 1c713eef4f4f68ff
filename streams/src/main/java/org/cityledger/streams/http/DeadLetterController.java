package org.cityledger.streams.http;

import io.javalin.http.Context;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.DeadLetterService;
import org.cityledger.streams.state.DeadLetter;
import org.cityledger.streams.state.DeadLetterPage;

/** {@code GET /api/dead-letters?limit=&cursor=}: what the ledger refused, newest first. */
final class DeadLetterController {

    static final int DEFAULT_LIMIT = 50;

    private final DeadLetterService service;

    DeadLetterController(final DeadLetterService service) {
        this.service = service;
    }

    void page(final Context ctx) {
        final DeadLetterService.Page page = service.page(ctx.queryParam("cursor"), limit(ctx));
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("total", page.total());
        json.put("items", page.items().stream().map(DeadLetterController::item).toList());
        json.put("nextCursor", page.nextCursor());
        ctx.json(json);
    }

    private static int limit(final Context ctx) {
        final String value = ctx.queryParam("limit");
        if (value == null || value.isBlank()) {
            return DEFAULT_LIMIT;
        }
        try {
            return Integer.parseInt(value);
        } catch (final NumberFormatException e) {
            throw new BadQueryException("limit", "must be a whole number, got '" + value + "'");
        }
    }

    private static Map<String, Object> item(final DeadLetterPage.Item item) {
        final DeadLetter letter = item.letter();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("rejectedAt", Instant.ofEpochMilli(letter.rejectedAt()).toString());
        json.put("reason", letter.reason());
        json.put("eventId", letter.eventId());
        final Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", letter.topic());
        source.put("partition", letter.partition());
        source.put("offset", letter.offset());
        json.put("source", source);
        json.put("key", letter.key());
        json.put("valueBase64", letter.value() == null ? null : Base64.getEncoder().encodeToString(letter.value()));
        return json;
    }
}
