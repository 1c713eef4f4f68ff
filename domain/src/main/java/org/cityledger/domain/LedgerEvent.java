package org.cityledger.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One immutable fact, whatever its kind: the ledger's working view of the three Avro event records.
 * Fields that do not apply to a kind are null ({@code plannedWithinYear} only for groundbreaking,
 * {@code program} and {@code matching} only for funding).
 */
public record LedgerEvent(
        EventKind kind,
        String eventId,
        Instant occurredAt,
        String district,
        String sector,
        ProjectRef project,
        Amount amount,
        Amount plannedWithinYear,
        String program,
        Amount matching,
        String corrects,
        String source) {

    public LedgerEvent {
        Objects.requireNonNull(kind, "kind");
    }

    public static Builder builder(final EventKind kind) {
        return new Builder(kind);
    }

    public Builder toBuilder() {
        return new Builder(kind).eventId(eventId).occurredAt(occurredAt).district(district).sector(sector)
                .project(project).amount(amount).plannedWithinYear(plannedWithinYear).program(program)
                .matching(matching).corrects(corrects).source(source);
    }

    /** Fluent construction for tests, the demo data set and the ingest parser. */
    public static final class Builder {
        private final EventKind kind;
        private String eventId;
        private Instant occurredAt;
        private String district;
        private String sector;
        private ProjectRef project;
        private Amount amount;
        private Amount plannedWithinYear;
        private String program;
        private Amount matching;
        private String corrects;
        private String source;

        private Builder(final EventKind kind) {
            this.kind = kind;
        }

        public Builder eventId(final String value) {
            this.eventId = value;
            return this;
        }

        public Builder occurredAt(final Instant value) {
            this.occurredAt = value;
            return this;
        }

        public Builder district(final String value) {
            this.district = value;
            return this;
        }

        public Builder sector(final String value) {
            this.sector = value;
            return this;
        }

        public Builder project(final ProjectRef value) {
            this.project = value;
            return this;
        }

        public Builder amount(final Amount value) {
            this.amount = value;
            return this;
        }

        public Builder plannedWithinYear(final Amount value) {
            this.plannedWithinYear = value;
            return this;
        }

        public Builder program(final String value) {
            this.program = value;
            return this;
        }

        public Builder matching(final Amount value) {
            this.matching = value;
            return this;
        }

        public Builder corrects(final String value) {
            this.corrects = value;
            return this;
        }

        public Builder source(final String value) {
            this.source = value;
            return this;
        }

        public LedgerEvent build() {
            return new LedgerEvent(kind, eventId, occurredAt, district, sector, project, amount,
                    plannedWithinYear, program, matching, corrects, source);
        }
    }
}
