package org.cityledger.streams.live;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.cityledger.schema.Topics;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.state.ProjectFact;

/**
 * The newly counted events, found where the ledger keeps its verdicts: the feed reads only the keys
 * (project ids) of the newest records of the events topic that the new picture includes, at most
 * {@code limit} per partition, and asks the ledger's own record of each project what it decided
 * about each of them (so a duplicate or a refused record never shows as counted). The cost is
 * bounded by the limit, however fast events arrive.
 */
public final class KafkaFeed implements LiveService.FeedSource, AutoCloseable {

    private static final Duration READ_WITHIN = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Function<String, List<ProjectFact>> facts;

    /**
     * @param facts a project's committed records with the ledger's verdict, from the instance running it
     */
    public KafkaFeed(final String bootstrapServers, final String clientId, final Function<String, List<ProjectFact>> facts) {
        final Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.facts = facts;
    }

    @Override
    public List<FeedEvent> counted(final List<Long> before, final List<Long> now, final int limit) {
        final Map<TopicPartition, long[]> ranges = new LinkedHashMap<>();
        for (int p = 0; p < now.size(); p++) {
            final long to = now.get(p);
            if (to < 0 || to == PartitionTotals.ALL_RESTORED) {
                continue;
            }
            final long shown = p < before.size() && before.get(p) != PartitionTotals.ALL_RESTORED ? before.get(p) : -1;
            final long from = Math.max(shown + 1, to - limit + 1);
            if (from <= to) {
                ranges.put(new TopicPartition(Topics.EVENTS, p), new long[] {Math.max(0, from), to});
            }
        }
        if (ranges.isEmpty()) {
            return List.of();
        }
        final List<ConsumerRecord<String, byte[]>> records = read(ranges);
        records.sort(Comparator.<ConsumerRecord<String, byte[]>>comparingLong(ConsumerRecord::timestamp)
                .thenComparingLong(ConsumerRecord::offset).reversed());
        final List<ConsumerRecord<String, byte[]>> newest = records.subList(0, Math.min(limit, records.size()));
        final Map<String, List<ProjectFact>> byProject = new HashMap<>();
        final List<FeedEvent> counted = new ArrayList<>();
        for (final ConsumerRecord<String, byte[]> record : newest) {
            if (record.key() == null) {
                continue;
            }
            final List<ProjectFact> known = byProject.computeIfAbsent(record.key(), facts);
            known.stream().filter(f -> f.offset() == record.offset() && f.verdict() == ProjectFact.Verdict.COUNTED
                            && f.contribution() != null)
                    .findFirst()
                    .ifPresent(f -> counted.add(new FeedEvent(f.eventId(), record.key(), f.projectName(), f.company(),
                            f.contribution().kind(), f.contribution().district(), f.contribution().sector(),
                            f.contribution().currency(), f.contribution().amount(), f.contribution().extra(), f.corrects(),
                            f.occurredAt(), f.arrivedAt(), record.partition(), record.offset())));
        }
        return counted;
    }

    private List<ConsumerRecord<String, byte[]>> read(final Map<TopicPartition, long[]> ranges) {
        consumer.assign(ranges.keySet());
        ranges.forEach((tp, range) -> consumer.seek(tp, range[0]));
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        final long deadline = System.nanoTime() + READ_WITHIN.toNanos();
        while (System.nanoTime() < deadline && !ranges.keySet().stream().allMatch(tp -> consumer.position(tp) > ranges.get(tp)[1])) {
            for (final ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                final long[] range = ranges.get(new TopicPartition(record.topic(), record.partition()));
                if (range != null && record.offset() >= range[0] && record.offset() <= range[1]) {
                    records.add(record);
                }
            }
            // a partition read past its range needs no more fetching
            final List<TopicPartition> done = ranges.keySet().stream().filter(tp -> consumer.position(tp) > ranges.get(tp)[1]).toList();
            consumer.pause(done);
        }
        consumer.resume(consumer.paused());
        return records;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
