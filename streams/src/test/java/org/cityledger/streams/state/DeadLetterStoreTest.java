package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterStoreTest {

    @TempDir
    Path stateDir;

    private final DeadLetterStore letters = new DeadLetterStore();
    private KeyValueStore<String, byte[]> inner;

    @BeforeEach
    void open() {
        // on disk, as in the topology
        inner = Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore("dead-letters"), Serdes.String(), Serdes.ByteArray())
                .withLoggingDisabled().build();
        final MockProcessorContext<Object, Object> context = new MockProcessorContext<>(new java.util.Properties(), new org.apache.kafka.streams.processor.TaskId(0, 0),
                stateDir.toFile());
        inner.init(context.getStateStoreContext(), inner);
        letters.open(inner);
    }

    @AfterEach
    void close() {
        inner.close();
    }

    private static DeadLetter letter(final long offset) {
        return new DeadLetter(1_000 + offset, "unreadable: test", null, "ledger.events", 0, offset, "P-" + offset,
                "junk".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldPageCommittedLettersNewestFirst() {
        letters.add(letter(1));
        letters.add(letter(2));
        letters.add(letter(3));
        letters.stage(inner, 3);
        letters.publish();

        final DeadLetterPage first = letters.page(inner, null, 2, true);
        final DeadLetterPage second = letters.page(inner, first.items().get(1).sortKey(), 2, true);

        assertThat(first.total()).isEqualTo(3);
        assertThat(first.items()).extracting(item -> item.letter().offset()).containsExactly(3L, 2L);
        assertThat(second.items()).extracting(item -> item.letter().offset()).containsExactly(1L);
    }

    @Test
    void shouldHideLettersWhoseTransactionHasNotCommitted() {
        letters.add(letter(1));
        letters.stage(inner, 1);
        letters.publish();
        letters.add(letter(2));
        letters.stage(inner, 2);

        final DeadLetterPage page = letters.page(inner, null, 10, true);

        assertThat(page.total()).isEqualTo(1);
        assertThat(page.items()).extracting(item -> item.letter().offset()).containsExactly(1L);
    }

    @Test
    void shouldCountWithoutReadingEveryLetterWhenReopened() {
        for (long offset = 0; offset < 50; offset++) {
            letters.add(letter(offset));
        }
        letters.stage(inner, 49);
        letters.publish();

        final DeadLetterStore reopened = new DeadLetterStore();
        reopened.open(inner);

        assertThat(reopened.page(inner, null, 1, true).total()).isEqualTo(50);
    }

    @Test
    void shouldKeepOnlyTheNewestLettersButCountThemAll() {
        final DeadLetterStore bounded = new DeadLetterStore(5);
        bounded.open(inner);
        for (long offset = 0; offset < 4; offset++) {
            bounded.add(letter(offset));
        }
        bounded.stage(inner, 3);
        bounded.publish();
        for (long offset = 4; offset < 9; offset++) {
            bounded.add(letter(offset));
        }
        bounded.stage(inner, 8);
        bounded.publish();

        final DeadLetterPage page = bounded.page(inner, null, 100, true);

        assertThat(page.total()).isEqualTo(9);
        assertThat(page.items()).extracting(item -> item.letter().offset()).containsExactly(8L, 7L, 6L, 5L, 4L);
    }

    @Test
    void shouldStayBoundedAfterReopening() {
        final DeadLetterStore bounded = new DeadLetterStore(3);
        bounded.open(inner);
        for (long offset = 0; offset < 3; offset++) {
            bounded.add(letter(offset));
        }
        bounded.stage(inner, 2);
        bounded.publish();
        final DeadLetterStore reopened = new DeadLetterStore(3);
        reopened.open(inner);
        reopened.add(letter(3));
        reopened.stage(inner, 3);
        reopened.publish();

        final DeadLetterPage page = reopened.page(inner, null, 100, true);

        assertThat(page.total()).isEqualTo(4);
        assertThat(page.items()).extracting(item -> item.letter().offset()).containsExactly(3L, 2L, 1L);
    }
}
