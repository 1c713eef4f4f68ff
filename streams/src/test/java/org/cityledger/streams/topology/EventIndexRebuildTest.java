package org.cityledger.streams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.cityledger.streams.topology.LedgerDriver.header;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.cityledger.domain.Amount;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerConfig;
import org.cityledger.streams.TestEvents;
import org.cityledger.streams.totals.TotalsKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task that opens without its event index rebuilds it from the topic. (A test driver wipes its state
 * when it closes, so the plans for an index that is behind or ahead are covered by RebuildPlanTest.)
 */
class EventIndexRebuildTest {

    @TempDir
    Path stateDir;

    private final LedgerEvent e1 = TestEvents.signing("e1", "kunshan", "displays", "100.00", "CNY");
    private final LedgerEvent e2 = TestEvents.signing("e2", "sip", "5g", "20.00", "CNY");
    private final LedgerEvent e3 = TestEvents.signing("e3", "sip", "5g", "3.00", "CNY");
    private final LedgerEvent fix = e1.toBuilder().eventId("fix").amount(Amount.of("90.00", "CNY")).corrects("e1").build();

    /** The partition's history as the cluster would hand it over: offsets from 0, committed up to {@code committed}. */
    private static final class FakeHistory implements PartitionHistory {
        private final List<LedgerEvent> topic;
        private final long committed;
        private final Map<Long, String> refusals;
        private final List<Long> replayedFrom = new ArrayList<>();

        FakeHistory(final List<LedgerEvent> topic, final long committed) {
            this(topic, committed, Map.of());
        }

        /** @param refusals the offsets the inbox stage marked refused, with the reason */
        FakeHistory(final List<LedgerEvent> topic, final long committed, final Map<Long, String> refusals) {
            this.topic = topic;
            this.committed = committed;
            this.refusals = refusals;
        }

        @Override
        public long committedOffset(final TopicPartition partition) {
            return committed;
        }

        @Override
        public void replay(final TopicPartition partition, final long from, final long to,
                           final Consumer<ConsumerRecord<byte[], byte[]>> each) {
            replayedFrom.add(from);
            for (long offset = from; offset < to; offset++) {
                final LedgerEvent event = topic.get((int) offset);
                final byte[] key = event.project().id().getBytes(StandardCharsets.UTF_8);
                final byte[] value = LedgerDriver.encode(event);
                final RecordHeaders headers = new RecordHeaders();
                if (refusals.containsKey(offset)) {
                    headers.add(LedgerTopology.REFUSED_HEADER, refusals.get(offset).getBytes(StandardCharsets.UTF_8));
                }
                each.accept(new ConsumerRecord<>(Topics.EVENTS, partition.partition(), offset, LedgerDriver.NOW.toEpochMilli(),
                        TimestampType.LOG_APPEND_TIME, key.length, value.length, key, value, headers, Optional.empty()));
            }
        }
    }

    private LedgerConfig config() {
        return LedgerConfig.defaults("unused:9092", stateDir);
    }

    @Test
    void shouldRebuildTheIndexFromTheTopicWithTheDecisionsProcessingMade() {
        // e2 re-used with other content is a conflicting duplicate: it must not replace e2 in the index
        final LedgerEvent conflicting = e2.toBuilder().amount(Amount.of("999.00", "CNY")).build();
        final FakeHistory history = new FakeHistory(List.of(e1, e2, e3, fix, conflicting), 5);

        try (LedgerDriver ledger = new LedgerDriver(config(), history)) {
            assertThat(history.replayedFrom).containsExactly(0L);
            assertThat(ledger.remembers("e1")).isTrue();
            assertThat(ledger.remembers("e3")).isTrue();
            assertThat(ledger.remembers("fix")).isTrue();

            ledger.publish(e2);
            ledger.publish(fix.toBuilder().eventId("fix-again").build());
            // the re-sent e2 is a plain re-delivery (no dead letter); the second correction is refused
            assertThat(header(ledger.nextDeadLetter(), DeadLetters.REASON))
                    .isEqualTo("invalid correction: event 'e1' is already corrected by 'fix'");
            assertThat(ledger.noDeadLetters()).isTrue();
        }
    }

    @Test
    void shouldNotTouchTheTotalsOrTheDeadLettersWhileRebuilding() {
        final FakeHistory history = new FakeHistory(List.of(e1, e2, fix), 3);

        try (LedgerDriver ledger = new LedgerDriver(config(), history)) {
            assertThat(ledger.totals(TotalsKey.SUMMARY).isEmpty()).isTrue();
            assertThat(ledger.noDeadLetters()).isTrue();
        }
    }

    @Test
    void shouldRebuildARecordTheInboxStageRefusedAsRefused() {
        // e1 came through another district's inbox: refused then, so e1 sent rightly later counts
        final FakeHistory history = new FakeHistory(List.of(e1, e2), 2, Map.of(0L, "district 'kunshan' published through sip's inbox"));

        try (LedgerDriver ledger = new LedgerDriver(config(), history)) {
            assertThat(ledger.remembers("e1")).isFalse();
            assertThat(ledger.remembers("e2")).isTrue();
        }
    }
}
