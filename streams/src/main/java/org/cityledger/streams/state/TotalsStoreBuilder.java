package org.cityledger.streams.state;

import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsSerde;

/**
 * Builds a {@link TotalsStore} over an in-memory, changelogged key-value store. In memory because
 * a partition's totals are a few hundred slices however many events it holds; restoring them from
 * the compacted changelog takes milliseconds. Caching is off: the totals store batches writes itself.
 */
public final class TotalsStoreBuilder implements StoreBuilder<TotalsStore> {

    private final StoreBuilder<KeyValueStore<String, Totals>> inner;

    public TotalsStoreBuilder(final String name) {
        this.inner = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), new TotalsSerde())
                .withCachingDisabled();
    }

    @Override
    public StoreBuilder<TotalsStore> withCachingEnabled() {
        throw new UnsupportedOperationException("the totals store batches its own writes; a record cache would only copy them");
    }

    @Override
    public StoreBuilder<TotalsStore> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<TotalsStore> withLoggingEnabled(final Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<TotalsStore> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public TotalsStore build() {
        return new TotalsStore(inner.build());
    }

    @Override
    public Map<String, String> logConfig() {
        return inner.logConfig();
    }

    @Override
    public boolean loggingEnabled() {
        return inner.loggingEnabled();
    }

    @Override
    public String name() {
        return inner.name();
    }
}
