package org.cityledger.streams.query;

import java.util.Map;

/**
 * One instance's answer to a {@link PartialsRequest}: a result per partition it answered for, and
 * where that came from. Results are {@code Map<String, Totals>} or {@code DeadLetterPage}.
 */
public record Partials(Map<Integer, Object> byPartition, Provenance provenance) {
}
