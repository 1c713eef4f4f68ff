package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.test.TestRecord;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;

/**
 * Whatever arrives, in whatever order, the totals equal the sum of the distinct valid events,
 * to the fen, and every refused record is in the dead letters. The oracle here is written
 * independently of the topology: a list of accepted events, summed by brute force.
 */
class LedgerPropertiesTest {

    private static final List<String> DISTRICTS = List.of("kunshan", "sip", "gusu");
    private static final List<String> SECTORS = List.of("5g", "semiconductors", "displays");
    private static final Instant BASE = Instant.parse("2022-01-01T00:00:00Z");
    private static final long SPAN_MILLIS = 40L * 86_400_000L;

    /** One thing that reaches the events topic. */
    sealed interface Action permits Fresh, Resend, Conflict, Correction, Invalid, Garbage {
    }

    /** A new fact. */
    record Fresh(EventKind kind, int project, String district, String sector, long cents, String currency, long at)
            implements Action {
    }

    /** The n-th earlier event (modulo), sent again; with another source if {@code viaOtherChannel}. */
    record Resend(int which, boolean viaOtherChannel) implements Action {
    }

    /** The n-th earlier event's id, reused for different content. */
    record Conflict(int which, long cents) implements Action {
    }

    /** Corrects the n-th earlier event (which may already be corrected, or itself be a correction). */
    record Correction(int which, String district, String sector, long cents, String currency, long at) implements Action {
    }

    /** A well-formed record that breaks a rule (unknown district). */
    record Invalid(int project) implements Action {
    }

    /** Bytes that are not a ledger event. */
    record Garbage(int project) implements Action {
    }

    @Property(tries = 60, shrinking = ShrinkingMode.BOUNDED)
    void shouldEqualTheSumOfDistinctValidEvents(@ForAll("histories") final List<Action> history) {
        final Oracle oracle = new Oracle();
        final Path stateDir = tempDir();
        try (LedgerDriver ledger = new LedgerDriver(stateDir)) {
            for (final Action action : history) {
                final Oracle.Sent sent = oracle.apply(action);
                if (sent.event() == null) {
                    ledger.publishRaw(sent.key(), new byte[] {0x42, 0x13});
                } else {
                    ledger.publishRaw(sent.key(), LedgerDriver.encode(sent.event()));
                }
            }
            for (final String key : oracle.sliceKeys()) {
                assertThat(normalized(ledger.totals(key))).as(key).isEqualTo(oracle.totals(key, Long.MAX_VALUE));
            }
            final long asOf = BASE.toEpochMilli() + SPAN_MILLIS / 2;
            for (final String key : oracle.sliceKeys()) {
                assertThat(normalized(ledger.totalsAsOf(key, Instant.ofEpochMilli(asOf)))).as("asOf " + key)
                        .isEqualTo(oracle.totals(key, asOf));
            }
            final List<TestRecord<String, byte[]>> dead = ledger.allDeadLetters();
            assertThat(dead).hasSize(oracle.refused);
        } finally {
            deleteRecursively(stateDir);
        }
    }

    @Provide
    Arbitrary<List<Action>> histories() {
        final Arbitrary<Integer> project = Arbitraries.integers().between(0, 4);
        final Arbitrary<Long> cents = Arbitraries.longs().between(0, 500_000_00L);
        final Arbitrary<String> currency = Arbitraries.of("CNY", "CNY", "USD");
        final Arbitrary<Long> at = Arbitraries.longs().between(0, SPAN_MILLIS);
        final Arbitrary<Integer> which = Arbitraries.integers().between(0, 1_000);
        final Arbitrary<Action> fresh = Combinators.combine(Arbitraries.of(EventKind.class), project,
                        Arbitraries.of(DISTRICTS), Arbitraries.of(SECTORS), cents, currency, at)
                .as(Fresh::new);
        final Arbitrary<Action> resend = Combinators.combine(which, Arbitraries.of(true, false)).as(Resend::new);
        final Arbitrary<Action> conflict = Combinators.combine(which, cents).as(Conflict::new);
        final Arbitrary<Action> correction = Combinators.combine(which, Arbitraries.of(DISTRICTS), Arbitraries.of(SECTORS),
                cents, currency, at).as(Correction::new);
        final Arbitrary<Action> invalid = project.map(Invalid::new);
        final Arbitrary<Action> garbage = project.map(Garbage::new);
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(10, fresh), net.jqwik.api.Tuple.of(3, resend),
                        net.jqwik.api.Tuple.of(1, conflict), net.jqwik.api.Tuple.of(4, correction),
                        net.jqwik.api.Tuple.of(1, invalid), net.jqwik.api.Tuple.of(1, garbage))
                .list().ofMinSize(1).ofMaxSize(60);
    }

    /** Independent model of what the ledger must count. */
    private static final class Oracle {
        private final List<LedgerEvent> sent = new ArrayList<>();
        private final Map<String, LedgerEvent> byId = new HashMap<>();
        private final Set<String> corrected = new HashSet<>();
        private final Map<String, LedgerEvent> counted = new LinkedHashMap<>();
        private int refused;
        private int ids;

        record Sent(String key, LedgerEvent event) {
        }

        Sent apply(final Action action) {
            if (action instanceof Fresh f) {
                return accept(event(f.kind(), "e" + ids++, f.project(), f.district(), f.sector(), f.cents(), f.currency(), f.at(), null));
            }
            if (action instanceof Invalid i) {
                refused++;
                final LedgerEvent bad = event(EventKind.SIGNING, "bad" + ids++, i.project(), "atlantis", "5g", 100, "CNY", 0, null);
                return new Sent(bad.project().id(), bad);
            }
            if (action instanceof Garbage g) {
                refused++;
                return new Sent("P" + g.project(), null);
            }
            if (sent.isEmpty()) {
                return apply(new Invalid(0));
            }
            if (action instanceof Resend r) {
                final LedgerEvent earlier = sent.get(r.which() % sent.size());
                final LedgerEvent again = r.viaOtherChannel() ? earlier.toBuilder().source("file:resent.jsonl").build() : earlier;
                return accept(again);
            }
            if (action instanceof Conflict c) {
                final LedgerEvent earlier = sent.get(c.which() % sent.size());
                final Amount other = new Amount(earlier.amount().value().add(BigDecimal.ONE), earlier.amount().currency());
                return accept(earlier.toBuilder().amount(other)
                        .plannedWithinYear(earlier.plannedWithinYear() == null ? null : new Amount(BigDecimal.ZERO, other.currency()))
                        .matching(earlier.matching() == null ? null : new Amount(BigDecimal.ZERO, other.currency()))
                        .build());
            }
            final Correction c = (Correction) action;
            final LedgerEvent target = sent.get(c.which() % sent.size());
            final int project = Integer.parseInt(target.project().id().substring(1));
            return accept(event(target.kind(), "e" + ids++, project, c.district(), c.sector(), c.cents(), c.currency(), c.at(),
                    target.eventId()));
        }

        /** The ledger's rules, restated: counted once per id, corrections replace, the rest refused. */
        private Sent accept(final LedgerEvent event) {
            sent.add(event);
            final Sent record = new Sent(event.project().id(), event);
            final LedgerEvent known = byId.get(event.eventId());
            if (known != null) {
                if (!sameFact(known, event)) {
                    refused++;
                }
                return record;
            }
            if (event.corrects() != null) {
                final LedgerEvent target = byId.get(event.corrects());
                if (target == null || corrected.contains(target.eventId()) || target.kind() != event.kind()
                        || !target.project().id().equals(event.project().id())) {
                    refused++;
                    return record;
                }
                corrected.add(target.eventId());
                counted.remove(target.eventId());
            }
            byId.put(event.eventId(), event);
            counted.put(event.eventId(), event);
            return record;
        }

        private static boolean sameFact(final LedgerEvent a, final LedgerEvent b) {
            return a.toBuilder().source(null).build().equals(b.toBuilder().source(null).build());
        }

        Set<String> sliceKeys() {
            final Set<String> keys = new HashSet<>();
            keys.add(TotalsKey.SUMMARY);
            for (final String d : DISTRICTS) {
                keys.add(TotalsKey.district(d));
                for (final String s : SECTORS) {
                    keys.add(TotalsKey.sector(s));
                    keys.add(TotalsKey.cell(d, s));
                }
            }
            return keys;
        }

        Map<String, Object> totals(final String key, final long asOf) {
            final Map<String, Object> figures = new java.util.TreeMap<>();
            for (final LedgerEvent e : counted.values()) {
                if (e.occurredAt().toEpochMilli() > asOf || !List.of(TotalsKey.slices(e.district(), e.sector())).contains(key)) {
                    continue;
                }
                final String kind = e.kind().name();
                figures.merge(kind + ".count", 1L, (x, y) -> (Long) x + (Long) y);
                add(figures, kind + ".amounts." + e.amount().currency(), e.amount().value());
                final Amount extra = e.kind() == EventKind.GROUNDBREAKING ? e.plannedWithinYear() : e.matching();
                if (extra != null) {
                    add(figures, kind + ".extra." + extra.currency(), extra.value());
                }
            }
            figures.values().removeIf(v -> v instanceof BigDecimal b && b.signum() == 0);
            figures.replaceAll((k, v) -> v instanceof BigDecimal b ? b.stripTrailingZeros() : v);
            return figures;
        }

        private static void add(final Map<String, Object> figures, final String name, final BigDecimal value) {
            figures.merge(name, value, (x, y) -> ((BigDecimal) x).add((BigDecimal) y));
        }
    }

    /** The ledger's totals in the oracle's shape. */
    private static Map<String, Object> normalized(final Totals totals) {
        final Map<String, Object> figures = new java.util.TreeMap<>();
        for (final EventKind kind : EventKind.values()) {
            final KindTotals k = totals.of(kind);
            if (k.count() != 0) {
                figures.put(kind.name() + ".count", k.count());
            }
            k.amounts().forEach((c, v) -> figures.put(kind.name() + ".amounts." + c, v.stripTrailingZeros()));
            k.extra().forEach((c, v) -> figures.put(kind.name() + ".extra." + c, v.stripTrailingZeros()));
        }
        figures.values().removeIf(v -> v instanceof BigDecimal b && b.signum() == 0);
        return figures;
    }

    private static LedgerEvent event(final EventKind kind, final String id, final int project, final String district,
                                     final String sector, final long cents, final String currency, final long at,
                                     final String corrects) {
        final Amount amount = new Amount(BigDecimal.valueOf(cents, 2), currency);
        final LedgerEvent.Builder builder = LedgerEvent.builder(kind).eventId(id).occurredAt(BASE.plusMillis(at))
                .district(district).sector(sector)
                .project(new ProjectRef("P" + project, "Project " + project, "Company " + project, "advanced-manufacturing"))
                .amount(amount).corrects(corrects);
        if (kind == EventKind.GROUNDBREAKING) {
            builder.plannedWithinYear(new Amount(BigDecimal.valueOf(cents / 3, 2), currency));
        }
        if (kind == EventKind.FUNDING) {
            builder.program("open-competition").matching(cents % 2 == 0 ? new Amount(BigDecimal.valueOf(cents / 2, 2), currency) : null);
        }
        return builder.build();
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("ledger-property-");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(final Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
