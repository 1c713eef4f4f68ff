package org.cityledger.streams.state;

import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;

/**
 * Builds a {@link CommittedViewStore} over an in-memory, changelogged key-value store. Caching is
 * refused: these stores batch their own writes per commit, a record cache would only copy them.
 */
final class CommittedViewStoreBuilder<S extends CommittedViewStore<?>> implements StoreBuilder<S> {

    private final StoreBuilder<KeyValueStore<String, byte[]>> inner;
    private final Function<KeyValueStore<String, byte[]>, S> factory;

    CommittedViewStoreBuilder(final StoreBuilder<KeyValueStore<String, byte[]>> inner,
                              final Function<KeyValueStore<String, byte[]>, S> factory) {
        this.inner = inner.withCachingDisabled();
        this.factory = factory;
    }

    @Override
    public StoreBuilder<S> withCachingEnabled() {
        throw new UnsupportedOperationException("store " + name() + " batches its own writes; a record cache would only copy them");
    }

    @Override
    public StoreBuilder<S> withCachingDisabled() {
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingEnabled(final Map<String, String> config) {
        inner.withLoggingEnabled(config);
        return this;
    }

    @Override
    public StoreBuilder<S> withLoggingDisabled() {
        inner.withLoggingDisabled();
        return this;
    }

    @Override
    public S build() {
        return factory.apply(inner.build());
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
