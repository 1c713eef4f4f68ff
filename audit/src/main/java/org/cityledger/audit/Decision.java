package org.cityledger.audit;

import org.cityledger.domain.LedgerEvent;

/**
 * What the rules decide about one record of the events topic, recomputed here.
 *
 * @param outcome  counted, a re-delivery, or refused
 * @param event    the event, null when the bytes are not one
 * @param replaced for a counted correction, the event it replaced; else null
 * @param reason   for a refusal, why
 */
public record Decision(Outcome outcome, LedgerEvent event, LedgerEvent replaced, String reason) {

    /** The three ways a record can go. */
    public enum Outcome {
        COUNTED,
        DUPLICATE,
        REFUSED
    }

    static Decision counted(final LedgerEvent event, final LedgerEvent replaced) {
        return new Decision(Outcome.COUNTED, event, replaced, null);
    }

    static Decision duplicate(final LedgerEvent event) {
        return new Decision(Outcome.DUPLICATE, event, null, null);
    }

    static Decision refused(final LedgerEvent event, final String reason) {
        return new Decision(Outcome.REFUSED, event, null, reason);
    }
}
