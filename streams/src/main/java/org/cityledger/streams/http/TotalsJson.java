package org.cityledger.streams.http;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.totals.KindTotals;

/**
 * The JSON shape of totals. Amounts are decimal strings with two places, never JSON numbers: a
 * dashboard in JavaScript would otherwise round CNY 72,000,000,000.01 to a double.
 */
final class TotalsJson {

    private TotalsJson() {
    }

    static Map<String, Object> of(final Slice slice, final Instant asOf) {
        final Map<String, Object> json = new LinkedHashMap<>();
        if (asOf != null) {
            json.put("asOf", asOf.toString());
        }
        if (slice.district() != null) {
            json.put("district", slice.district());
        }
        if (slice.sector() != null) {
            json.put("sector", slice.sector());
        }
        json.put("signing", kind(slice.totals().signing(), null));
        json.put("groundbreaking", kind(slice.totals().groundbreaking(), "plannedWithinYear"));
        json.put("funding", kind(slice.totals().funding(), "matching"));
        json.put("events", slice.totals().events());
        return json;
    }

    private static Map<String, Object> kind(final KindTotals totals, final String extraName) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("count", totals.count());
        json.put("amounts", amounts(totals.amounts()));
        if (extraName != null) {
            json.put(extraName, amounts(totals.extra()));
        }
        return json;
    }

    private static Map<String, String> amounts(final Map<String, BigDecimal> sums) {
        final Map<String, String> json = new LinkedHashMap<>();
        sums.forEach((currency, value) -> json.put(currency, money(value)));
        return json;
    }

    static String money(final BigDecimal value) {
        return value.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }
}
