package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Utils;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.UnreadableEventException;
import org.junit.jupiter.api.Test;

class EventGeneratorTest {

    private static final EventCodec CODEC = new EventCodec();
    private static final long SEED = 42L;
    private static final ProjectCatalog CATALOG = ProjectCatalog.create(SEED, 5_000);

    @Test
    void shouldDrawTheSameRecordsForTheSameSeed() {
        final List<GeneratedEvent> first = draw(generator(SEED, "main", 0, 1), 5_000);
        final List<GeneratedEvent> second = draw(generator(SEED, "main", 0, 1), 5_000);

        for (int i = 0; i < first.size(); i++) {
            assertThat(second.get(i).key()).as("key %d", i).isEqualTo(first.get(i).key());
            assertThat(second.get(i).value()).as("value %d", i).isEqualTo(first.get(i).value());
            assertThat(second.get(i).category()).as("category %d", i).isEqualTo(first.get(i).category());
        }
    }

    @Test
    void shouldDrawOtherRecordsForAnotherSeedOrDataSet() {
        final List<GeneratedEvent> main = draw(generator(SEED, "main", 0, 1), 100);
        final List<GeneratedEvent> otherSeed = draw(new EventGenerator(CODEC, CATALOG, SEED + 1, "main", 0, 1), 100);
        final List<GeneratedEvent> otherSet = draw(generator(SEED, "lat5000", 0, 1), 100);

        assertThat(sameBytes(main, otherSeed)).isLessThan(5);
        assertThat(sameBytes(main, otherSet)).isZero();
    }

    @Test
    void shouldMixDuplicatesCorrectionsAndInvalidRecordsInTheIssuesProportions() {
        final int n = 200_000;
        final Map<GeneratedEvent.Category, Integer> counts = new EnumMap<>(GeneratedEvent.Category.class);
        final EventGenerator generator = generator(SEED, "main", 0, 1);
        for (int i = 0; i < n; i++) {
            counts.merge(generator.next().category(), 1, Integer::sum);
        }

        assertProportion(counts, GeneratedEvent.Category.DUPLICATE, n, EventGenerator.DUPLICATE_RATE);
        assertProportion(counts, GeneratedEvent.Category.CORRECTION, n, EventGenerator.CORRECTION_RATE);
        assertProportion(counts, GeneratedEvent.Category.INVALID, n,
                EventGenerator.INVALID_RATE * (1 - EventGenerator.GARBAGE_SHARE));
        assertProportion(counts, GeneratedEvent.Category.GARBAGE, n,
                EventGenerator.INVALID_RATE * EventGenerator.GARBAGE_SHARE);
        final Oracle oracle = generator.oracle();
        assertThat(oracle.totalRecords()).isEqualTo(n);
        assertThat(oracle.records(GeneratedEvent.Category.NEW)).isEqualTo(counts.get(GeneratedEvent.Category.NEW).longValue());
    }

    @Test
    void shouldPredictWhatARecountOfTheBytesByTheLedgersRulesFinds() {
        final EventGenerator generator = generator(SEED, "main", 0, 1);
        final List<GeneratedEvent> records = draw(generator, 60_000);

        final Recount recount = Recount.of(records);

        final Oracle oracle = generator.oracle();
        assertThat(recount.deadLetters).isEqualTo(oracle.expectedDeadLetters());
        for (final EventKind kind : EventKind.values()) {
            assertThat(recount.counts.getOrDefault(kind, 0L)).as("%s count", kind).isEqualTo(oracle.count(kind));
            assertThat(recount.sums(recount.amounts, kind)).as("%s amounts", kind).isEqualTo(normalized(oracle.amounts(kind)));
            assertThat(recount.sums(recount.extras, kind)).as("%s extra", kind).isEqualTo(normalized(oracle.extras(kind)));
        }
        final long countingRecords = records.stream().mapToLong(GeneratedEvent::countDelta).sum();
        assertThat(countingRecords).isEqualTo(oracle.countedEvents());
    }

    @Test
    void shouldDrawEveryEventWithinTheConferenceYear() {
        final Instant now = Instant.now();
        for (final GeneratedEvent record : draw(generator(SEED, "main", 0, 1), 20_000)) {
            if (record.category() == GeneratedEvent.Category.NEW) {
                final Instant occurredAt = CODEC.decode(record.value()).occurredAt();
                assertThat(occurredAt).isBetween(EventGenerator.YEAR_START, EventGenerator.YEAR_END).isBefore(now);
            }
        }
    }

    @Test
    void shouldGiveEachShardItsOwnProjectsAndEventIds() {
        final Set<String> keysOfShard0 = new HashSet<>();
        final Set<String> idsOfShard0 = new HashSet<>();
        for (final GeneratedEvent record : draw(generator(SEED, "replay", 0, 2), 5_000)) {
            if (record.category() == GeneratedEvent.Category.NEW) {
                keysOfShard0.add(record.key());
                idsOfShard0.add(CODEC.decode(record.value()).eventId());
            }
        }
        for (final GeneratedEvent record : draw(generator(SEED, "replay", 1, 2), 5_000)) {
            if (record.category() == GeneratedEvent.Category.NEW) {
                assertThat(keysOfShard0).doesNotContain(record.key());
                assertThat(idsOfShard0).doesNotContain(CODEC.decode(record.value()).eventId());
            }
        }
    }

    @Test
    void shouldSpreadKeysOverTheDefaultPartitionsEvenly() {
        final int partitions = 6;
        final long[] perPartition = new long[partitions];
        for (final GeneratedEvent record : draw(generator(SEED, "main", 0, 1), 60_000)) {
            perPartition[Math.floorMod(Utils.murmur2(
                    record.key().getBytes(StandardCharsets.UTF_8)), partitions)]++;
        }
        for (final long count : perPartition) {
            // 10,000 expected per partition; 5,000 projects make the split lumpier than the records alone
            assertThat(count).isBetween(8_500L, 11_500L);
        }
    }

    private static EventGenerator generator(final long seed, final String dataset, final int shard, final int shards) {
        return new EventGenerator(CODEC, CATALOG, seed, dataset, shard, shards);
    }

    private static List<GeneratedEvent> draw(final EventGenerator generator, final int n) {
        final List<GeneratedEvent> records = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            records.add(generator.next());
        }
        return records;
    }

    private static int sameBytes(final List<GeneratedEvent> a, final List<GeneratedEvent> b) {
        int same = 0;
        for (int i = 0; i < a.size(); i++) {
            if (Arrays.equals(a.get(i).value(), b.get(i).value())) {
                same++;
            }
        }
        return same;
    }

    /** Within five standard deviations of the binomial count: a seed changing must not break the test. */
    private static void assertProportion(final Map<GeneratedEvent.Category, Integer> counts,
                                         final GeneratedEvent.Category category, final int n, final double p) {
        final double expected = n * p;
        final double tolerance = 5 * Math.sqrt(n * p * (1 - p));
        assertThat((double) counts.getOrDefault(category, 0)).as("%s of %d records", category, n)
                .isBetween(expected - tolerance, expected + tolerance);
    }

    private static Map<String, BigDecimal> normalized(final Map<String, BigDecimal> sums) {
        final Map<String, BigDecimal> result = new TreeMap<>();
        sums.forEach((currency, value) -> {
            if (value.signum() != 0) {
                result.put(currency, value.stripTrailingZeros());
            }
        });
        return result;
    }

    /** The ledger's rules, applied to the bytes by a model as plain as can be: what must be counted. */
    private static final class Recount {
        private final Map<EventKind, Long> counts = new EnumMap<>(EventKind.class);
        private final Map<EventKind, Map<String, BigDecimal>> amounts = new EnumMap<>(EventKind.class);
        private final Map<EventKind, Map<String, BigDecimal>> extras = new EnumMap<>(EventKind.class);
        private long deadLetters;

        static Recount of(final List<GeneratedEvent> records) {
            final Recount recount = new Recount();
            final EventRules rules = EventRules.defaults();
            final Instant now = Instant.now();
            final Map<String, byte[]> seen = new HashMap<>();
            final Map<String, LedgerEvent> counted = new HashMap<>();
            final Set<String> corrected = new HashSet<>();
            for (final GeneratedEvent record : records) {
                final LedgerEvent event;
                try {
                    event = CODEC.decode(record.value());
                } catch (final UnreadableEventException e) {
                    recount.deadLetters++;
                    continue;
                }
                if (!rules.check(event, now).isEmpty() || !event.project().id().equals(record.key())) {
                    recount.deadLetters++;
                    continue;
                }
                if (seen.containsKey(event.eventId())) {
                    assertThat(record.value()).as("a re-used id carries the same bytes").isEqualTo(seen.get(event.eventId()));
                    continue;
                }
                if (event.corrects() != null) {
                    final LedgerEvent target = counted.get(event.corrects());
                    if (target == null || corrected.contains(target.eventId()) || target.kind() != event.kind()) {
                        recount.deadLetters++;
                        continue;
                    }
                    corrected.add(target.eventId());
                    recount.add(target, -1);
                }
                seen.put(event.eventId(), record.value());
                counted.put(event.eventId(), event);
                recount.add(event, 1);
            }
            return recount;
        }

        private void add(final LedgerEvent event, final int sign) {
            counts.merge(event.kind(), (long) sign, Long::sum);
            final String currency = event.amount().currency();
            final BigDecimal amount = event.amount().value();
            amounts.computeIfAbsent(event.kind(), k -> new TreeMap<>())
                    .merge(currency, sign > 0 ? amount : amount.negate(), BigDecimal::add);
            final BigDecimal extra = event.kind() == EventKind.GROUNDBREAKING ? event.plannedWithinYear().value()
                    : event.matching() == null ? null : event.matching().value();
            if (extra != null) {
                extras.computeIfAbsent(event.kind(), k -> new TreeMap<>())
                        .merge(currency, sign > 0 ? extra : extra.negate(), BigDecimal::add);
            }
        }

        Map<String, BigDecimal> sums(final Map<EventKind, Map<String, BigDecimal>> byKind, final EventKind kind) {
            return normalized(byKind.getOrDefault(kind, Map.of()));
        }
    }
}
