package org.cityledger.streams.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.ContentType;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.cityledger.domain.Reference;
import org.cityledger.streams.query.Answer;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.InvariantReport;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.query.TotalsService;

/** HTTP in, JSON out; every question is the service's. */
final class TotalsController {

    /** Which instances answered, how far the stalest standby lagged, and whether any part was read from one. */
    static final String INSTANCE_HEADER = "X-Ledger-Instance";
    static final String LAG_HEADER = "X-Ledger-Lag";
    static final String STALE_HEADER = "X-Ledger-Stale";
    /** Collections are JSON arrays; the cursor of their next page travels in this header. */
    static final String NEXT_CURSOR_HEADER = "X-Next-Cursor";

    private final TotalsService service;
    /** The JSON of each single-slice question's last answer now (no asOf): one object. */
    private final RenderedTotals singles;
    /** The JSON of each whole list's last answer now (no asOf, no page): an array. */
    private final RenderedTotals lists;

    /**
     * @param mapper the server's JSON mapper: a kept rendering is byte for byte what {@code ctx.json} would write
     */
    TotalsController(final TotalsService service, final ObjectMapper mapper) {
        this.service = service;
        this.singles = new RenderedTotals(slices -> bytes(mapper, TotalsJson.of(slices.get(0), null)));
        this.lists = new RenderedTotals(slices -> bytes(mapper, slices.stream().map(slice -> TotalsJson.of(slice, null)).toList()));
    }

    void summary(final Context ctx) {
        final Ask ask = ask(ctx);
        if (explain(ctx, null, null, ask)) {
            return;
        }
        single(ctx, service.summary(ask), ask, "summary");
    }

    void districts(final Context ctx) {
        final Ask ask = ask(ctx);
        list(ctx, service.districts(ask), ask, Slice::district, "districts");
    }

    void district(final Context ctx) {
        final Ask ask = ask(ctx);
        if (explain(ctx, ctx.pathParam("district"), null, ask)) {
            return;
        }
        single(ctx, service.district(ctx.pathParam("district"), ask), ask, "district");
    }

    void sectors(final Context ctx) {
        final Ask ask = ask(ctx);
        list(ctx, service.sectors(ask), ask, Slice::sector, "sectors");
    }

    void sector(final Context ctx) {
        final Ask ask = ask(ctx);
        if (explain(ctx, null, ctx.pathParam("sector"), ask)) {
            return;
        }
        single(ctx, service.sector(ctx.pathParam("sector"), ask), ask, "sector");
    }

    void cell(final Context ctx) {
        final Ask ask = ask(ctx);
        if (explain(ctx, ctx.pathParam("district"), ctx.pathParam("sector"), ask)) {
            return;
        }
        single(ctx, service.cell(ctx.pathParam("district"), ctx.pathParam("sector"), ask), ask, "cell");
    }

    void check(final Context ctx) {
        final Ask ask = ask(ctx);
        final Answer<InvariantReport> answer = service.check(ask);
        provenance(ctx, answer.provenance());
        final Map<String, Object> json = new LinkedHashMap<>();
        if (ask.asOf() != null) {
            json.put("asOf", ask.asOf().toString());
        }
        json.put("holds", answer.value().holds());
        json.put("figuresChecked", answer.value().figuresChecked());
        json.put("mismatches", answer.value().mismatches());
        ctx.json(json);
    }

    /**
     * {@code ?explain=true}: the events that make up this total, as of the asked instant, are the
     * counted events of the same slice that occurred by then: answered with a redirect (303) to that
     * page of {@code GET /api/events}, so that there is one listing and one way to page it.
     */
    private static boolean explain(final Context ctx, final String district, final String sector, final Ask ask) {
        if (!"true".equalsIgnoreCase(ctx.queryParam("explain"))) {
            return false;
        }
        final StringBuilder location = new StringBuilder("/api/events?limit=").append(AuditController.DEFAULT_EVENTS_LIMIT);
        if (district != null) {
            location.append("&district=").append(URLEncoder.encode(district, StandardCharsets.UTF_8));
        }
        if (sector != null) {
            location.append("&sector=").append(URLEncoder.encode(sector, StandardCharsets.UTF_8));
        }
        if (ask.asOf() != null) {
            location.append("&to=").append(URLEncoder.encode(ask.asOf().toString(), StandardCharsets.UTF_8));
        }
        ctx.redirect(location.toString(), HttpStatus.SEE_OTHER);
        return true;
    }

    void districtCodes(final Context ctx) {
        ctx.json(codes(Reference.DISTRICTS, Reference.DISTRICT_SCHEME));
    }

    void sectorCodes(final Context ctx) {
        ctx.json(codes(Reference.SECTORS, Reference.SECTOR_SCHEME));
    }

    private void single(final Context ctx, final Answer<Slice> answer, final Ask ask, final String endpoint) {
        provenance(ctx, answer.provenance());
        final Slice slice = answer.value();
        if (ask.asOf() != null) {
            ctx.json(TotalsJson.of(slice, ask.asOf()));
            return;
        }
        json(ctx, singles.json(new RenderedTotals.Key(endpoint, slice.district(), slice.sector()), List.of(slice)));
    }

    /** A collection, paged by {@code ?limit=&cursor=} when asked; the cursor is the last code served. */
    private void list(final Context ctx, final Answer<List<Slice>> answer, final Ask ask, final Function<Slice, String> code,
                      final String endpoint) {
        provenance(ctx, answer.provenance());
        List<Slice> slices = answer.value();
        final String cursor = ctx.queryParam("cursor");
        if (ask.asOf() == null && cursor == null && ctx.queryParam("limit") == null) {
            json(ctx, lists.json(new RenderedTotals.Key(endpoint, null, null), slices));
            return;
        }
        if (cursor != null && !cursor.isBlank()) {
            final String after = decodeCursor(cursor);
            final int at = slices.stream().map(code).toList().indexOf(after);
            if (at < 0) {
                throw new BadQueryException("cursor", "not a cursor this API returned");
            }
            slices = slices.subList(at + 1, slices.size());
        }
        final Integer limit = limit(ctx);
        if (limit != null && slices.size() > limit) {
            slices = slices.subList(0, limit);
            ctx.header(NEXT_CURSOR_HEADER, Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(code.apply(slices.get(limit - 1)).getBytes(StandardCharsets.UTF_8)));
        }
        ctx.json(slices.stream().map(slice -> TotalsJson.of(slice, ask.asOf())).toList());
    }

    private static void json(final Context ctx, final byte[] json) {
        ctx.contentType(ContentType.APPLICATION_JSON).result(json);
    }

    private static byte[] bytes(final ObjectMapper mapper, final Object json) {
        try {
            return mapper.writeValueAsBytes(json);
        } catch (final JsonProcessingException e) {
            // maps of strings and numbers: nothing here can fail to serialize
            throw new IllegalStateException("totals could not be written as JSON", e);
        }
    }

    private static void provenance(final Context ctx, final Provenance provenance) {
        ctx.header(INSTANCE_HEADER, String.join(",", provenance.instances()));
        ctx.header(LAG_HEADER, Long.toString(provenance.maxLag()));
        ctx.header(STALE_HEADER, Boolean.toString(provenance.stale()));
    }

    private static String decodeCursor(final String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException e) {
            throw new BadQueryException("cursor", "not a cursor this API returned");
        }
    }

    private static Integer limit(final Context ctx) {
        final String value = ctx.queryParam("limit");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            final int limit = Integer.parseInt(value);
            if (limit < 1) {
                throw new BadQueryException("limit", "must be at least 1, got " + limit);
            }
            return limit;
        } catch (final NumberFormatException e) {
            throw new BadQueryException("limit", "must be a whole number, got '" + value + "'");
        }
    }

    /** {@code ?asOf=} (ISO-8601 instant, with or without an offset; absent means now) and {@code ?maxLag=}. */
    static Ask ask(final Context ctx) {
        return new Ask(asOf(ctx.queryParam("asOf")), maxLag(ctx.queryParam("maxLag")));
    }

    private static Instant asOf(final String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (final DateTimeParseException e) {
            try {
                return Instant.parse(value);
            } catch (final DateTimeParseException e2) {
                throw new BadQueryException("asOf", "must be an ISO-8601 instant such as 2022-02-10T12:00:00+08:00, got '" + value + "'");
            }
        }
    }

    private static Long maxLag(final String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            final long lag = Long.parseLong(value);
            if (lag < 0) {
                throw new BadQueryException("maxLag", "must not be negative, got " + lag);
            }
            return lag;
        } catch (final NumberFormatException e) {
            throw new BadQueryException("maxLag", "must be a whole number of offsets, got '" + value + "'");
        }
    }

    private static List<Map<String, String>> codes(final List<Reference.Code> codes, final String scheme) {
        return codes.stream()
                .map(code -> code(code, scheme))
                .toList();
    }

    private static Map<String, String> code(final Reference.Code code, final String scheme) {
        final Map<String, String> json = new LinkedHashMap<>();
        json.put("code", code.code());
        json.put("nameZh", code.nameZh());
        json.put("nameEn", code.nameEn());
        json.put("nationalCode", code.nationalCode());
        json.put("nationalScheme", scheme);
        return json;
    }
}
