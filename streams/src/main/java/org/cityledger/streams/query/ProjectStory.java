package org.cityledger.streams.query;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cityledger.streams.state.ProjectFact;

/**
 * A project's whole story as the ledger decided it: every record in order of occurrence (records
 * whose time could not be read, by arrival, last), each with its verdict and the links between
 * corrections, and what the project contributes to the totals now. Built from the committed facts
 * of the project's partition; knows nothing of HTTP.
 *
 * @param project   the project id (the records' key)
 * @param partition its partition of the events topic
 * @param entries   the records, in order of occurrence then arrival
 */
public record ProjectStory(String project, int partition, List<Entry> entries) {

    /**
     * One record and what it became.
     *
     * @param fact        what the ledger recorded of it
     * @param correctedBy for a counted event a later correction replaced: that correction's id, else null
     */
    public record Entry(ProjectFact fact, String correctedBy) {

        /** Whether it counts in the totals now: counted and not replaced since. */
        public boolean counts() {
            return fact.verdict() == ProjectFact.Verdict.COUNTED && correctedBy == null;
        }
    }

    public static ProjectStory of(final String project, final int partition, final List<ProjectFact> facts) {
        final Map<String, String> correctedBy = new HashMap<>();
        for (final ProjectFact fact : facts) {
            if (fact.verdict() == ProjectFact.Verdict.COUNTED && fact.corrects() != null) {
                correctedBy.put(fact.corrects(), fact.eventId());
            }
        }
        final List<Entry> entries = new ArrayList<>(facts.size());
        for (final ProjectFact fact : facts) {
            final boolean counted = fact.verdict() == ProjectFact.Verdict.COUNTED;
            entries.add(new Entry(fact, counted ? correctedBy.get(fact.eventId()) : null));
        }
        entries.sort(Comparator.comparingLong((Entry e) -> e.fact().occurredAt() == ProjectFact.UNKNOWN ? Long.MAX_VALUE
                        : e.fact().occurredAt())
                .thenComparingLong(e -> e.fact().offset()));
        return new ProjectStory(project, partition, List.copyOf(entries));
    }

    /** The records counting in the totals now. */
    public List<Entry> current() {
        return entries.stream().filter(Entry::counts).toList();
    }

    /**
     * The verdict on {@code eventId}: its counted record if it counted (a correction says so), else
     * its latest record (refused, with the reason); empty when the project has no record of it.
     */
    public Optional<Verdict> verdictOf(final String eventId) {
        Entry latest = null;
        for (final Entry entry : entries) {
            if (!eventId.equals(entry.fact().eventId())) {
                continue;
            }
            if (entry.fact().verdict() == ProjectFact.Verdict.COUNTED) {
                return Optional.of(verdict(entry));
            }
            if (latest == null || entry.fact().offset() > latest.fact().offset()) {
                latest = entry;
            }
        }
        return Optional.ofNullable(latest).map(this::verdict);
    }

    private Verdict verdict(final Entry entry) {
        return Verdict.of(new VerdictRequest(project, entry.fact().eventId(), partition, entry.fact().offset()), entry.fact());
    }
}
