package org.cityledger.streams.http;

import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cityledger.domain.Reference;
import org.cityledger.streams.query.TotalsService;

/** HTTP in, JSON out; every question is the service's. */
final class TotalsController {

    private final TotalsService service;

    TotalsController(final TotalsService service) {
        this.service = service;
    }

    void summary(final Context ctx) {
        ctx.json(TotalsJson.of(service.summary()));
    }

    void districts(final Context ctx) {
        ctx.json(service.districts().stream().map(TotalsJson::of).toList());
    }

    void district(final Context ctx) {
        ctx.json(TotalsJson.of(service.district(ctx.pathParam("district"))));
    }

    void sectors(final Context ctx) {
        ctx.json(service.sectors().stream().map(TotalsJson::of).toList());
    }

    void sector(final Context ctx) {
        ctx.json(TotalsJson.of(service.sector(ctx.pathParam("sector"))));
    }

    void cell(final Context ctx) {
        ctx.json(TotalsJson.of(service.cell(ctx.pathParam("district"), ctx.pathParam("sector"))));
    }

    void districtCodes(final Context ctx) {
        ctx.json(codes(Reference.DISTRICTS));
    }

    void sectorCodes(final Context ctx) {
        ctx.json(codes(Reference.SECTORS));
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
