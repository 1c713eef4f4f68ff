package org.cityledger.domain;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The rules an event must satisfy to be counted. The same rules run where events are published
 * (so an office gets its error at once) and inside the stream (so a record written by anything
 * else cannot corrupt the totals). Reason texts are part of the API: tests pin them.
 */
public final class EventRules {

    private static final Set<String> ISO_CURRENCIES = Currency.getAvailableCurrencies().stream()
            .map(Currency::getCurrencyCode).collect(Collectors.toUnmodifiableSet());

    /** Default horizon: how old an event may be when it reaches the ledger. */
    public static final Duration DEFAULT_HORIZON = Duration.ofDays(3650);
    /** The events' Avro schema keeps decimal(24, 4): 20 digits before the point. */
    public static final int MAX_INTEGER_DIGITS = 20;
    /** Default tolerance for office clocks that run ahead. */
    public static final Duration DEFAULT_FUTURE_SKEW = Duration.ofMinutes(5);

    private final Duration maxFutureSkew;
    private final Duration horizon;

    /**
     * @param maxFutureSkew how far past the validating clock an event's {@code occurredAt} may lie
     *                      (clocks of offices drift; facts from the future do not exist)
     * @param horizon       how far before the validating clock an event's {@code occurredAt} may lie;
     *                      the ledger remembers event ids for this long, so an older event could not
     *                      be told from a re-delivery and is refused instead
     */
    public EventRules(final Duration maxFutureSkew, final Duration horizon) {
        this.maxFutureSkew = maxFutureSkew;
        this.horizon = horizon;
    }

    public static EventRules defaults() {
        return new EventRules(DEFAULT_FUTURE_SKEW, DEFAULT_HORIZON);
    }

    /** All violations of {@code event}, empty when it may be counted. */
    public List<Violation> check(final LedgerEvent event, final Instant now) {
        final List<Violation> violations = new ArrayList<>(2);
        requireText(violations, "eventId", event.eventId());
        if (event.eventId() != null && hasControlCharacter(event.eventId())) {
            // ids travel in headers, logs and URLs, and the ledger's stores keep keys of their own below them
            violations.add(new Violation("eventId", "must not contain control characters"));
        }
        if (event.occurredAt() == null) {
            violations.add(new Violation("occurredAt", "is required"));
        } else if (event.occurredAt().isAfter(now.plus(maxFutureSkew))) {
            violations.add(new Violation("occurredAt", "is in the future beyond the allowed skew of " + describe(maxFutureSkew)));
        } else if (event.occurredAt().isBefore(now.minus(horizon))) {
            violations.add(new Violation("occurredAt", "is older than the ledger's horizon of " + describe(horizon)));
        }
        if (event.district() == null) {
            violations.add(new Violation("district", "is required"));
        } else if (!Reference.isDistrict(event.district())) {
            violations.add(new Violation("district", "unknown district '" + event.district() + "'"));
        }
        if (event.sector() == null) {
            violations.add(new Violation("sector", "is required"));
        } else if (!Reference.isSector(event.sector())) {
            violations.add(new Violation("sector", "unknown sector '" + event.sector() + "'"));
        }
        checkProject(violations, event.project());
        checkAmount(violations, "amount", event.amount(), true);
        switch (event.kind()) {
            case SIGNING -> {
                requireAbsent(violations, "plannedWithinYear", event.plannedWithinYear());
                requireAbsent(violations, "program", event.program());
                requireAbsent(violations, "matching", event.matching());
            }
            case GROUNDBREAKING -> {
                checkAmount(violations, "plannedWithinYear", event.plannedWithinYear(), true);
                checkSameCurrency(violations, "plannedWithinYear", event.amount(), event.plannedWithinYear());
                if (comparable(event.amount(), event.plannedWithinYear())
                        && event.plannedWithinYear().value().compareTo(event.amount().value()) > 0) {
                    violations.add(new Violation("plannedWithinYear", "is larger than the total amount"));
                }
                requireAbsent(violations, "program", event.program());
                requireAbsent(violations, "matching", event.matching());
            }
            case FUNDING -> {
                if (event.program() == null) {
                    violations.add(new Violation("program", "is required"));
                } else if (!Reference.isProgram(event.program())) {
                    violations.add(new Violation("program", "unknown program '" + event.program() + "'"));
                }
                checkAmount(violations, "matching", event.matching(), false);
                checkSameCurrency(violations, "matching", event.amount(), event.matching());
                requireAbsent(violations, "plannedWithinYear", event.plannedWithinYear());
            }
            default -> throw new IllegalStateException("unhandled kind " + event.kind());
        }
        if (event.corrects() != null && event.corrects().equals(event.eventId())) {
            violations.add(new Violation("corrects", "an event cannot correct itself"));
        }
        return violations;
    }

    /** "3650 days" rather than "PT87600H": the reason is read by people. */
    static String describe(final Duration duration) {
        if (duration.toSeconds() % 86_400 == 0) {
            return plural(duration.toDays(), "day");
        }
        if (duration.toSeconds() % 60 == 0) {
            return plural(duration.toMinutes(), "minute");
        }
        return duration.toString();
    }

    private static String plural(final long count, final String unit) {
        return count + " " + unit + (count == 1 ? "" : "s");
    }

    private static void checkProject(final List<Violation> violations, final ProjectRef project) {
        if (project == null) {
            violations.add(new Violation("project", "is required"));
            return;
        }
        requireText(violations, "project.id", project.id());
        requireText(violations, "project.name", project.name());
        requireText(violations, "project.company", project.company());
        if (!Reference.isCategory(project.category())) {
            violations.add(new Violation("project.category", "unknown category '" + project.category() + "'"));
        }
    }

    private static void checkAmount(final List<Violation> violations, final String field, final Amount amount,
                                    final boolean required) {
        if (amount == null) {
            if (required) {
                violations.add(new Violation(field, "is required"));
            }
            return;
        }
        if (!ISO_CURRENCIES.contains(amount.currency())) {
            violations.add(new Violation(field + ".currency", "unknown currency '" + amount.currency() + "'"));
        }
        final BigDecimal value = amount.value();
        if (value.signum() < 0) {
            violations.add(new Violation(field + ".value", "must not be negative"));
        }
        if (value.stripTrailingZeros().scale() > 2) {
            violations.add(new Violation(field + ".value", "has more than two decimal places"));
        }
        if (value.precision() - value.scale() > MAX_INTEGER_DIGITS) {
            violations.add(new Violation(field + ".value", "has more than " + MAX_INTEGER_DIGITS
                    + " digits before the decimal point, more than the ledger's events can hold"));
        }
    }

    private static void checkSameCurrency(final List<Violation> violations, final String field, final Amount total,
                                          final Amount part) {
        if (total != null && part != null && !total.currency().equals(part.currency())) {
            violations.add(new Violation(field + ".currency", "must be the currency of amount (" + total.currency() + ")"));
        }
    }

    private static boolean comparable(final Amount a, final Amount b) {
        return a != null && b != null && a.currency().equals(b.currency());
    }

    /** A plain loop: this runs for every event the ledger counts, a stream pipeline showed in its profile. */
    private static boolean hasControlCharacter(final String value) {
        for (int i = 0; i < value.length(); i++) {
            if (Character.isISOControl(value.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static void requireText(final List<Violation> violations, final String field, final String value) {
        if (value == null || value.isBlank()) {
            violations.add(new Violation(field, "is required"));
        }
    }

    private static void requireAbsent(final List<Violation> violations, final String field, final Object value) {
        if (value != null) {
            violations.add(new Violation(field, "does not apply to this event type"));
        }
    }
}
