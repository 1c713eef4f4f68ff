package org.cityledger.streams.query;

import java.util.Map;

/**
 * One instance's answer to a {@link PartialsRequest}: a result per partition it answered for, and
 * where that came from.
 *
 * @param <T> what each partition answered (the request's kind decides)
 */
public record Partials<T>(Map<Integer, T> byPartition, Provenance provenance) {
}
