package org.cityledger.audit;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.LedgerHeaders;
import org.cityledger.schema.UnreadableEventException;

/**
 * Decides every record of one partition of the events topic again, in arrival order, with the
 * domain's rules and the ledger's documented semantics, and nothing of the ledger's topology: an
 * event id counts once (a re-delivery with the same content is ignored, a re-use with other content
 * refused), a correction replaces an earlier counted event of the same kind and project, a record
 * that breaks a rule, judged at its arrival time, is refused, and so is one the ledger's inbox stage
 * marked refused (another district's event in an office's inbox). Written apart from the ledger's
 * processor on purpose, so that the two agreeing means something.
 *
 * <p>Keeps every counted event of the partition in memory (a few hundred bytes each), never forgets
 * one: a re-delivery older than the ledger's horizon is refused by the rules anyway.
 */
public final class Decider {

    private final EventCodec codec = new EventCodec();
    private final EventRules rules;
    private final Map<String, Known> known = new HashMap<>();
    private final Set<String> corrected = new HashSet<>();

    private record Known(String content, LedgerEvent event) {
    }

    public Decider(final EventRules rules) {
        this.rules = rules;
    }

    /**
     * @param key       the record's key
     * @param value     the record's value
     * @param timestamp when the broker appended it: the rules' "now"
     * @param refusal   its {@link LedgerHeaders#REFUSED} header, else null: the inbox stage refused it, for this reason.
     *                  Trusted as the ledger trusts it: on a secured cluster only the ledger writes the events topic
     */
    public Decision decide(final String key, final byte[] value, final long timestamp, final String refusal) {
        final LedgerEvent event;
        try {
            event = codec.decode(value);
        } catch (final UnreadableEventException e) {
            return Decision.refused(null, refusal != null ? refusal : "unreadable: " + e.getMessage());
        }
        if (refusal != null) {
            // refused before any rule, and not remembered: the office's own event of that id may still count
            return Decision.refused(event, refusal);
        }
        final List<Violation> violations = rules.check(event, Instant.ofEpochMilli(timestamp));
        if (!violations.isEmpty()) {
            return Decision.refused(event, "invalid: " + String.join("; ", violations.stream().map(Violation::toString).toList()));
        }
        if (!event.project().id().equals(key)) {
            return Decision.refused(event, "invalid: key: must be the project id '" + event.project().id() + "'");
        }
        final String content = content(event);
        final Known earlier = known.get(event.eventId());
        if (earlier != null) {
            return earlier.content().equals(content) ? Decision.duplicate(event) : Decision.refused(event, "conflicting duplicate");
        }
        LedgerEvent replaced = null;
        if (event.corrects() != null) {
            final Known target = known.get(event.corrects());
            if (target == null) {
                return Decision.refused(event, "invalid correction: corrects unknown event '" + event.corrects() + "'");
            }
            // first, as the ledger does: nothing of another project's event is told
            if (!target.event().project().id().equals(event.project().id())) {
                return Decision.refused(event, "invalid correction: event '" + event.corrects() + "' is of another project");
            }
            if (corrected.contains(event.corrects())) {
                return Decision.refused(event, "invalid correction: event '" + event.corrects() + "' is already corrected");
            }
            if (target.event().kind() != event.kind()) {
                return Decision.refused(event, "invalid correction: event '" + event.corrects() + "' is of another kind");
            }
            corrected.add(event.corrects());
            replaced = target.event();
        }
        known.put(event.eventId(), new Known(content, event));
        return Decision.counted(event, replaced);
    }

    /** The ids of events a later correction replaced: they no longer count. */
    public Set<String> corrected() {
        return Set.copyOf(corrected);
    }

    /** What an event says, its publishing channel left out; decimals by value (1.5 is 1.50). */
    private static String content(final LedgerEvent e) {
        return String.join("\u0000", e.kind().name(), e.eventId(), Long.toString(e.occurredAt().toEpochMilli()), e.district(),
                e.sector(), e.project().id(), e.project().name(), e.project().company(), e.project().category(),
                amount(e.amount()), amount(e.plannedWithinYear()), String.valueOf(e.program()), amount(e.matching()),
                String.valueOf(e.corrects()));
    }

    private static String amount(final Amount amount) {
        if (amount == null) {
            return "-";
        }
        final BigDecimal value = amount.value().signum() == 0 ? BigDecimal.ZERO : amount.value().stripTrailingZeros();
        return value.toPlainString() + " " + amount.currency();
    }
}
