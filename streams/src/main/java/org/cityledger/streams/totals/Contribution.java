package org.cityledger.streams.totals;

import java.math.BigDecimal;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.streams.codec.BinaryReader;
import org.cityledger.streams.codec.BinaryWriter;

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

    /** Binary form inside the ledger's internal stores. */
    public void write(final BinaryWriter out) {
        out.writeByte(kind.ordinal()).writeUtf(district).writeUtf(sector).writeUtf(currency).writeDecimal(amount);
        out.writeBoolean(extra != null);
        if (extra != null) {
            out.writeDecimal(extra);
        }
    }

    public static Contribution read(final BinaryReader in) {
        final EventKind kind = EventKind.values()[in.readUnsignedByte()];
        final String district = in.readUtf();
        final String sector = in.readUtf();
        final String currency = in.readUtf();
        final BigDecimal amount = in.readDecimal();
        final BigDecimal extra = in.readBoolean() ? in.readDecimal() : null;
        return new Contribution(kind, district, sector, currency, amount, extra);
    }
}
