package org.cityledger.streams.http;

import io.javalin.http.Context;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cityledger.domain.Reference;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.InvariantReport;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.query.TotalsService;

/** HTTP in, JSON out; every question is the service's. */
final class TotalsController {

    private final TotalsService service;

    TotalsController(final TotalsService service) {
        this.service = service;
    }

    void summary(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(TotalsJson.of(service.summary(asOf), asOf));
    }

    void districts(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(list(service.districts(asOf), asOf));
    }

    void district(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(TotalsJson.of(service.district(ctx.pathParam("district"), asOf), asOf));
    }

    void sectors(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(list(service.sectors(asOf), asOf));
    }

    void sector(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(TotalsJson.of(service.sector(ctx.pathParam("sector"), asOf), asOf));
    }

    void cell(final Context ctx) {
        final Instant asOf = asOf(ctx);
        ctx.json(TotalsJson.of(service.cell(ctx.pathParam("district"), ctx.pathParam("sector"), asOf), asOf));
    }

    void check(final Context ctx) {
        final Instant asOf = asOf(ctx);
        final InvariantReport report = service.check(asOf);
        final Map<String, Object> json = new LinkedHashMap<>();
        if (asOf != null) {
            json.put("asOf", asOf.toString());
        }
        json.put("holds", report.holds());
        json.put("figuresChecked", report.figuresChecked());
        json.put("mismatches", report.mismatches());
        ctx.json(json);
    }

    void districtCodes(final Context ctx) {
        ctx.json(codes(Reference.DISTRICTS));
    }

    void sectorCodes(final Context ctx) {
        ctx.json(codes(Reference.SECTORS));
    }

    private static List<Map<String, Object>> list(final List<Slice> slices, final Instant asOf) {
        return slices.stream().map(slice -> TotalsJson.of(slice, asOf)).toList();
    }

    /** {@code ?asOf=} as an ISO-8601 instant, with or without an offset; absent means now. */
    static Instant asOf(final Context ctx) {
        final String value = ctx.queryParam("asOf");
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

    private static List<Map<String, String>> codes(final List<Reference.Code> codes) {
        return codes.stream()
                .map(TotalsController::code)
                .toList();
    }

    private static Map<String, String> code(final Reference.Code code) {
        final Map<String, String> json = new LinkedHashMap<>();
        json.put("code", code.code());
        json.put("nameZh", code.nameZh());
        json.put("nameEn", code.nameEn());
        return json;
    }
}
