package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.TopicPartition;
import org.cityledger.broker.TestBroker;
import org.cityledger.schema.EventCodec;
import org.cityledger.schema.KafkaConnection;
import org.cityledger.schema.Topics;
import org.cityledger.streams.TopicSetup;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stage 15's sink on a real broker and a real PostgreSQL: exactly-once the usual way, the offsets
 * in the same transaction as the totals, so that a sink started again goes on where the database
 * says and counts nothing twice.
 */
class PostgresSinkIT {

    private static final int PARTITIONS = 3;
    private static final int EACH_HALF = 3_000;

    private static TestBroker broker;
    private static KafkaConnection kafka;

    @BeforeAll
    static void startBroker() {
        broker = TestBroker.start();
        kafka = KafkaConnection.of(broker.bootstrapServers(), null);
        TopicSetup.ensureTopics(kafka, PARTITIONS, (short) 1);
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void shouldGoOnFromTheOffsetsItStoredAndCountEachRecordOnce(@TempDir final Path dir) throws Exception {
        final EventCodec codec = new EventCodec();
        final EventGenerator generator = new EventGenerator(codec, ProjectCatalog.create(7L, 500), 7L, "sink", 0, 1);
        final EncodedEvents first = EncodedEvents.draw(generator, EACH_HALF, System.err, "it");
        final EncodedEvents second = EncodedEvents.draw(generator, EACH_HALF, System.err, "it");
        final PeerTotals expected = PeerTotals.of(first, codec);
        for (int i = 0; i < second.size(); i++) {
            expected.add(second.value(i), codec);
        }

        try (Admin admin = KafkaClients.admin(kafka); PostgresSink sink = PostgresSink.start(dir)) {
            send(first);
            sink.consume(kafka, Topics.EVENTS, KafkaClients.endOffsets(admin, Topics.EVENTS, PARTITIONS), Progress.none());
            send(second);
            final Map<TopicPartition, Long> end = KafkaClients.endOffsets(admin, Topics.EVENTS, PARTITIONS);
            final PostgresSink.Pass again = sink.consume(kafka, Topics.EVENTS, end, Progress.none());

            assertThat(again.timing().records()).isEqualTo(EACH_HALF);
            assertThat(sink.storedOffsets(Topics.EVENTS)).isEqualTo(end);
            assertThat(PeerTotals.differences("cells", expected.at(PeerTotals.Level.CELL),
                    sink.totals(PeerTotals.Level.CELL))).isEmpty();
        }
    }

    private static void send(final EncodedEvents data) {
        try (RawProduce produce = new RawProduce(kafka, Topics.EVENTS)) {
            for (int i = 0; i < data.size(); i++) {
                produce.send(data.key(i), data.value(i));
            }
            produce.flush();
        }
    }
}
