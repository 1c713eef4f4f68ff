package org.cityledger.streams.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;

class RocksDbMemoryTest {

    private static final long BOUND = 64L << 20;

    @Test
    void shouldGiveEveryStoreTheNodesCacheForIndexAndFilterBlocksAndItsMemtableBudget() {
        try (RocksDbMemory memory = new RocksDbMemory(BOUND); Options options = new Options()) {
            options.setTableFormatConfig(new BlockBasedTableConfig());

            new RocksDbMemory.Setter().setConfig("ledger-audit-index", options, Map.of(RocksDbMemory.CONFIG, memory));

            final BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
            assertThat(options.writeBufferSize()).isLessThanOrEqualTo((long) (BOUND * RocksDbMemory.WRITE_BUFFER_SHARE));
            assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseAStoreConfiguredWithoutTheNodesMemory() {
        try (Options options = new Options()) {
            assertThatThrownBy(() -> new RocksDbMemory.Setter().setConfig("ledger-totals", options, Map.of()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("ledger-totals").hasMessageContaining(RocksDbMemory.CONFIG);
        }
    }

    @Test
    void shouldRefuseABoundTooSmallForAMemtableAndACache() {
        assertThatThrownBy(() -> new RocksDbMemory(RocksDbMemory.MIN_BYTES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("rocksDbMemory: must be at least");
    }
}
