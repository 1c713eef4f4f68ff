package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.cityledger.schema.EventCodec;
import org.cityledger.schema.UnreadableEventException;
import org.junit.jupiter.api.Test;

class ForeignRecordsTest {

    private final EventCodec codec = new EventCodec();

    @Test
    void shouldDrawValuesTheLedgerCannotRead() {
        final ForeignRecords foreign = new ForeignRecords(7, 100);
        for (int i = 0; i < 1_000; i++) {
            final byte[] value = foreign.value();
            assertThat(value.length).isBetween(64, 320);
            assertThatThrownBy(() -> codec.decode(value)).isInstanceOf(UnreadableEventException.class);
        }
    }

    @Test
    void shouldDrawTheSameRecordsFromTheSameSeed() {
        final ForeignRecords first = new ForeignRecords(7, 100);
        final ForeignRecords second = new ForeignRecords(7, 100);

        assertThat(first.key()).isEqualTo(second.key());
        assertThat(first.value()).isEqualTo(second.value());
    }
}
