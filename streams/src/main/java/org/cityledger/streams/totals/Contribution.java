package org.cityledger.streams.totals;

import java.math.BigDecimal;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;

/**
 * What one counted event adds to the totals: its kind, where it counts (district, sector) and its
 * amounts. Kept in the event index so that a later correction can take exactly this back out.
 */
public record Contribution(EventKind kind, String district, String sector, String currency, BigDecimal amount,
                           BigDecimal extra) {

    public static Contribution of(final LedgerEvent event) {
        final BigDecimal extra = switch (event.kind()) {
            case SIGNING -> null;
            case GROUNDBREAKING -> event.plannedWithinYear().value();
            case FUNDING -> event.matching() == null ? null : event.matching().value();
        };
        return new Contribution(event.kind(), event.district(), event.sector(), event.amount().currency(),
                event.amount().value(), extra);
    }
}
