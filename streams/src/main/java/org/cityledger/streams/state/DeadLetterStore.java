package org.cityledger.streams.state;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The dead letters of one partition, newest first, for the API. The dead-letter topic is the
 * record of truth; this store makes it pageable without re-reading the topic, and shows only
 * dead letters whose transaction committed.
 */
public final class DeadLetterStore extends CommittedViewStore<byte[]> {

    private final List<KeyValue<String, byte[]>> added = new ArrayList<>();

    DeadLetterStore(final KeyValueStore<String, byte[]> inner) {
        super(inner, bytes -> bytes, bytes -> bytes);
    }

    public static StoreBuilder<DeadLetterStore> builder(final String name, final Map<String, String> changelogConfig) {
        return new CommittedViewStoreBuilder<>(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(name), Serdes.String(), Serdes.ByteArray())
                        .withLoggingEnabled(changelogConfig),
                DeadLetterStore::new);
    }

    public void add(final DeadLetter letter) {
        added.add(KeyValue.pair(letter.sortKey(), letter.toBytes()));
    }

    @Override
    protected void drainChanges(final List<KeyValue<String, byte[]>> changes) {
        changes.addAll(added);
        added.clear();
    }

    @Override
    public void clearCache() {
        super.clearCache();
        added.clear();
    }

    /** Up to {@code limit} committed dead letters older than {@code before} (null: from the newest), and the count. */
    public DeadLetterPage page(final String before, final int limit) {
        return read(committed -> {
            final var newestFirst = before == null ? committed.view().descendingMap()
                    : committed.view().headMap(before, false).descendingMap();
            final List<DeadLetterPage.Item> items = new ArrayList<>(Math.min(limit, 64));
            for (final Map.Entry<String, byte[]> entry : newestFirst.entrySet()) {
                if (items.size() == limit) {
                    break;
                }
                items.add(new DeadLetterPage.Item(entry.getKey(), DeadLetter.fromBytes(entry.getValue())));
            }
            return new DeadLetterPage(committed.view().size(), items);
        });
    }

    @Override
    @SuppressWarnings("unchecked")
    public <R> QueryResult<R> query(final Query<R> query, final PositionBound positionBound, final QueryConfig config) {
        if (query instanceof DeadLetterQuery page) {
            final QueryResult<R> answer = (QueryResult<R>) QueryResult.forResult(page(page.before(), page.limit()));
            answer.setPosition(Position.emptyPosition());
            return answer;
        }
        return QueryResult.forUnknownQueryType(query, this);
    }
}
