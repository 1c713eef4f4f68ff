package org.cityledger.streams.totals;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Decimals as longs: the unscaled value at scale 4, the ledger's finest (amounts are stored with
 * four places and accepted with at most two). Adding two longs costs a fraction of a
 * {@link BigDecimal} addition, and the totals do eight additions per event. A value that does not
 * fit (above 922 trillion, or finer than four places) is {@link #NOT_REPRESENTABLE}, and the sums
 * it joins fall back to {@link BigDecimal}: exact either way.
 */
final class Units {

    static final int SCALE = 4;
    /** Marks a decimal with no exact long form. */
    static final long NOT_REPRESENTABLE = Long.MIN_VALUE;

    private Units() {
    }

    static long of(final BigDecimal value) {
        if (value.scale() > SCALE || value.precision() - value.scale() > 14) {
            return NOT_REPRESENTABLE;
        }
        final long units = value.setScale(SCALE, RoundingMode.UNNECESSARY).unscaledValue().longValueExact();
        return units == NOT_REPRESENTABLE ? NOT_REPRESENTABLE : units;
    }

    static BigDecimal toDecimal(final long units) {
        return BigDecimal.valueOf(units, SCALE);
    }
}
