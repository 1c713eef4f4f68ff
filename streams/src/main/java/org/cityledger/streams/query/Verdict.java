package org.cityledger.streams.query;

import java.util.Locale;
import org.cityledger.streams.state.ProjectFact;

/**
 * What the ledger decided about one published record, as an office asks it: did my event count?
 * Read from the ledger's committed state only.
 *
 * @param eventId   the event id asked about (or recorded)
 * @param project   the project: the record's key, which places it in a partition
 * @param partition the record's partition of the events topic
 * @param offset    the record's offset there
 * @param outcome   the decision, or {@link Outcome#PENDING} when no commit included the record yet
 * @param corrects  for {@link Outcome#CORRECTED}: the event it replaced
 * @param reason    for {@link Outcome#REJECTED}: the dead letter's reason
 */
public record Verdict(String eventId, String project, int partition, long offset, Outcome outcome, String corrects,
                      String reason) {

    /** The decisions, as the API names them. */
    public enum Outcome {
        /** A new event: it counted. */
        COUNTED,
        /** A correction: it counted, replacing {@code corrects}. */
        CORRECTED,
        /** The same id and content were counted before: nothing changed. */
        DUPLICATE,
        /** It could not count; {@code reason} says why (it went to the dead-letter topic). */
        REJECTED,
        /** Not judged yet (or its partition is moving): ask again. */
        PENDING,
        /** No record of this project at this offset: the question does not match what was published. */
        UNKNOWN;

        /** The API's name: {@code counted}, {@code corrected}, ... */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }

        public boolean decided() {
            return this != PENDING;
        }
    }

    public static Verdict pending(final VerdictRequest asked) {
        return new Verdict(asked.eventId(), asked.project(), asked.partition(), asked.offset(), Outcome.PENDING, null, null);
    }

    /** The verdict a recorded fact gives, or UNKNOWN when the fact is missing or names another event. */
    public static Verdict of(final VerdictRequest asked, final ProjectFact fact) {
        if (fact == null || (asked.eventId() != null && fact.eventId() != null && !asked.eventId().equals(fact.eventId()))) {
            return new Verdict(asked.eventId(), asked.project(), asked.partition(), asked.offset(), Outcome.UNKNOWN, null, null);
        }
        final Outcome outcome = switch (fact.verdict()) {
            case COUNTED -> fact.corrects() == null ? Outcome.COUNTED : Outcome.CORRECTED;
            case DUPLICATE -> Outcome.DUPLICATE;
            case REFUSED -> Outcome.REJECTED;
        };
        return new Verdict(fact.eventId() == null ? asked.eventId() : fact.eventId(), asked.project(), asked.partition(),
                asked.offset(), outcome, outcome == Outcome.CORRECTED ? fact.corrects() : null, fact.reason());
    }
}
