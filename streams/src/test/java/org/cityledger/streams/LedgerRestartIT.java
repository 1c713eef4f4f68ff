package org.cityledger.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.cityledger.broker.TestBroker;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.schema.Topics;
import org.cityledger.streams.query.Ask;
import org.cityledger.streams.topology.LedgerTopology;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once across a restart: the ledger is closed (without cleaning its state) while it is
 * still working through the topic, started again on the same state, and re-deliveries follow.
 * The totals must equal the distinct valid events, to the fen.
 */
class LedgerRestartIT {

    private static final int EVENTS = 6_000;
    private static final Instant BASE = Instant.parse("2022-02-10T01:30:00Z");

    @TempDir
    Path stateDir;

    private TestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = TestBroker.start();
        TopicSetup.ensureTopics(broker.bootstrapServers(), Topics.DEFAULT_PARTITIONS, (short) 1);
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    @Test
    void shouldCountEveryEventExactlyOnceAcrossARestart() throws Exception {
        // the audit index (whose timeline the as-of history is rebuilt from) has no changelog: lose it, as a crash would
        countExactlyOnceAcrossARestartLosing(LedgerTopology.AUDIT_STORE);
    }

    @Test
    void shouldRebuildTheEventIndexFromTheEventsTopicWhenAllLocalStateIsLost() throws Exception {
        // a new instance taking the partitions over: totals come back from their changelog, the indexes
        // (no changelog) from the events topic, and the re-sent events must still count once
        countExactlyOnceAcrossARestartLosing(stateDir.getFileName().toString());
    }

    @Test
    void shouldReopenACleanlyClosedLedgerWithoutReplayingTheTopic() throws Exception {
        final SplittableRandom random = new SplittableRandom(11);
        final List<LedgerEvent> events = new ArrayList<>();
        for (int i = 0; i < EVENTS / 3; i++) {
            events.add(event(random, i));
        }
        final LedgerConfig config = LedgerConfig.defaults(broker.bootstrapServers(), stateDir).withHttpPort(0);
        publish(events);
        final Totals expected = oracle(events);
        try (LedgerNode first = new LedgerNode(config).start()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(this::caughtUp);
            assertThat(first.totals().summary(Ask.NOW).value().totals()).isEqualTo(expected);
        }

        try (LedgerNode second = new LedgerNode(config).start()) {
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> replayedByTask(second).size() == Topics.DEFAULT_PARTITIONS && eventsCounted(second) >= 0);

            // every task trusted its clean-close marks: the indexes were exact, nothing was re-read
            assertThat(replayedByTask(second)).containsOnly(0.0);
            assertThat(second.totals().summary(Ask.NOW).value().totals()).isEqualTo(expected);
            // and the index it trusted still knows every event: re-sent, they count nothing
            publish(events.subList(0, 100));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(this::caughtUp);
            assertThat(second.totals().summary(Ask.NOW).value().totals()).isEqualTo(expected);
        }
    }

    /** The records each task of {@code node} re-read from the events topic when it opened. */
    private static List<Double> replayedByTask(final LedgerNode node) {
        return node.streams().metrics().values().stream()
                .filter(metric -> metric.metricName().group().equals(LedgerTopology.METRICS_GROUP)
                        && metric.metricName().name().equals(LedgerTopology.INDEX_REPLAYED_METRIC + "-total"))
                .map(metric -> ((Number) metric.metricValue()).doubleValue())
                .toList();
    }

    private void countExactlyOnceAcrossARestartLosing(final String directoryName) throws Exception {
        final SplittableRandom random = new SplittableRandom(7);
        final List<LedgerEvent> originals = new ArrayList<>();
        for (int i = 0; i < EVENTS; i++) {
            originals.add(event(random, i));
        }
        final Map<String, LedgerEvent> counted = new HashMap<>();
        originals.forEach(e -> counted.put(e.eventId(), e));
        final List<LedgerEvent> corrections = new ArrayList<>();
        for (int i = 0; i < EVENTS; i += 97) {
            final LedgerEvent target = originals.get(i);
            final LedgerEvent fix = target.toBuilder().eventId(target.eventId() + "-fix")
                    .amount(new Amount(target.amount().value().add(BigDecimal.valueOf(1234, 2)), target.amount().currency()))
                    .plannedWithinYear(target.plannedWithinYear())
                    .corrects(target.eventId()).build();
            corrections.add(fix);
            counted.remove(target.eventId());
            counted.put(fix.eventId(), fix);
        }
        final LedgerConfig config = LedgerConfig.defaults(broker.bootstrapServers(), stateDir).withHttpPort(0);

        publish(originals);
        publish(corrections);
        try (LedgerNode first = new LedgerNode(config).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> eventsCounted(first) > EVENTS / 10);
        }
        try (Stream<Path> dirs = Files.walk(stateDir)) {
            dirs.filter(dir -> dir.getFileName().toString().equals(directoryName))
                    .sorted(Comparator.reverseOrder()).forEach(LedgerRestartIT::deleteTree);
        }
        // a store an earlier version kept (the event-time index): the restarted node removes it before its tasks open
        final Path retired = Files.createDirectories(stateDir.resolve(config.applicationId()).resolve("0_0").resolve("rocksdb")
                .resolve("ledger-event-times"));
        Files.write(retired.resolve("000001.sst"), new byte[1024]);
        try (LedgerNode second = new LedgerNode(config).start()) {
            assertThat(retired).doesNotExist();
            publish(originals.subList(0, EVENTS / 3));
            publish(corrections.subList(0, corrections.size() / 2));
            final Totals expected = oracle(counted.values());
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                    .until(() -> eventsCounted(second) == expected.events());
            publish(List.of(originals.get(1), corrections.get(0)));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(this::caughtUp);

            final Totals actual = second.totals().summary(Ask.NOW).value().totals();
            assertThat(actual).isEqualTo(expected);
            assertThat(second.totals().check(Ask.NOW).value().mismatches()).isEmpty();
            // what was lost was rebuilt from the topic, not trusted
            assertThat(replayedByTask(second).stream().mapToDouble(Double::doubleValue).sum()).isPositive();
            // the as-of history is rebuilt from the timeline after the restart
            final Instant midway = BASE.plus(Duration.ofDays(15));
            assertThat(second.totals().summary(Ask.asOf(midway)).value().totals())
                    .isEqualTo(oracle(counted.values().stream().filter(e -> !e.occurredAt().isAfter(midway)).toList()));
        }
    }

    private static void deleteTree(final Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The ledger's committed input offsets have reached the end of every partition. */
    private boolean caughtUp() throws Exception {
        final Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        try (Admin admin = Admin.create(props)) {
            final Map<TopicPartition, OffsetAndMetadata> committed = admin
                    .listConsumerGroupOffsets(LedgerConfig.DEFAULT_APPLICATION_ID).partitionsToOffsetAndMetadata().get();
            final Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < Topics.DEFAULT_PARTITIONS; p++) {
                latest.put(new TopicPartition(Topics.EVENTS, p), OffsetSpec.latest());
            }
            final var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(end -> committed.containsKey(end.getKey())
                    && committed.get(end.getKey()).offset() >= end.getValue().offset());
        }
    }

    private static long eventsCounted(final LedgerNode node) {
        try {
            return node.totals().summary(Ask.NOW).value().totals().events();
        } catch (final RuntimeException notYet) {
            return -1;
        }
    }


    /** The totals of these events, summed naively: the independent answer. */
    private static Totals oracle(final Iterable<LedgerEvent> events) {
        final Map<EventKind, Long> counts = new HashMap<>();
        final Map<EventKind, Map<String, BigDecimal>> amounts = new HashMap<>();
        final Map<EventKind, Map<String, BigDecimal>> extras = new HashMap<>();
        for (final LedgerEvent e : events) {
            counts.merge(e.kind(), 1L, Long::sum);
            amounts.computeIfAbsent(e.kind(), k -> new HashMap<>()).merge(e.amount().currency(), e.amount().value(), BigDecimal::add);
            final Amount extra = e.kind() == EventKind.GROUNDBREAKING ? e.plannedWithinYear() : e.matching();
            if (extra != null) {
                extras.computeIfAbsent(e.kind(), k -> new HashMap<>()).merge(extra.currency(), extra.value(), BigDecimal::add);
            }
        }
        final KindTotals[] kinds = new KindTotals[3];
        for (final EventKind kind : EventKind.values()) {
            kinds[kind.ordinal()] = new KindTotals(counts.getOrDefault(kind, 0L), amounts.getOrDefault(kind, Map.of()),
                    extras.getOrDefault(kind, Map.of()));
        }
        return normalize(new Totals(kinds[0], kinds[1], kinds[2]));
    }

    private static Totals normalize(final Totals totals) {
        return new Totals(scale(totals.signing()), scale(totals.groundbreaking()), scale(totals.funding()));
    }

    private static KindTotals scale(final KindTotals kind) {
        final Map<String, BigDecimal> amounts = new HashMap<>();
        kind.amounts().forEach((c, v) -> amounts.put(c, v.setScale(4)));
        final Map<String, BigDecimal> extra = new HashMap<>();
        kind.extra().forEach((c, v) -> extra.put(c, v.setScale(4)));
        return new KindTotals(kind.count(), amounts, extra);
    }

    private LedgerEvent event(final SplittableRandom random, final int i) {
        final EventKind kind = EventKind.values()[random.nextInt(3)];
        final String district = Reference.DISTRICTS.get(random.nextInt(Reference.DISTRICTS.size())).code();
        final String sector = Reference.SECTORS.get(random.nextInt(Reference.SECTORS.size())).code();
        final String currency = random.nextInt(10) == 0 ? "USD" : "CNY";
        final BigDecimal value = BigDecimal.valueOf(random.nextLong(1, 10_000_000_000L), 2);
        final LedgerEvent.Builder builder = LedgerEvent.builder(kind).eventId("ev-" + i)
                .occurredAt(BASE.plusSeconds(random.nextInt(86_400 * 30)))
                .district(district).sector(sector)
                .project(new ProjectRef("P-" + random.nextInt(500), "Project", "Company", "advanced-manufacturing"))
                .amount(new Amount(value, currency));
        if (kind == EventKind.GROUNDBREAKING) {
            builder.plannedWithinYear(new Amount(value.divide(BigDecimal.valueOf(4), 2, java.math.RoundingMode.DOWN), currency));
        } else if (kind == EventKind.FUNDING) {
            builder.program("open-competition").matching(new Amount(value.multiply(BigDecimal.valueOf(2)), currency));
        }
        return builder.build();
    }

    private void publish(final List<LedgerEvent> events) throws Exception {
        TopicWriter.publish(broker.bootstrapServers(), events);
    }
}
