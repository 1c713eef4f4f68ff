package org.cityledger.streams.totals;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
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

    /** Binary form inside the ledger's internal stores. */
    public void write(final DataOutputStream out) throws IOException {
        out.writeByte(kind.ordinal());
        out.writeUTF(district);
        out.writeUTF(sector);
        out.writeUTF(currency);
        DecimalCodec.write(out, amount);
        out.writeBoolean(extra != null);
        if (extra != null) {
            DecimalCodec.write(out, extra);
        }
    }

    public static Contribution read(final DataInputStream in) throws IOException {
        final EventKind kind = EventKind.values()[in.readUnsignedByte()];
        final String district = in.readUTF();
        final String sector = in.readUTF();
        final String currency = in.readUTF();
        final BigDecimal amount = DecimalCodec.read(in);
        final BigDecimal extra = in.readBoolean() ? DecimalCodec.read(in) : null;
        return new Contribution(kind, district, sector, currency, amount, extra);
    }
}
