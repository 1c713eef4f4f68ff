package org.cityledger.streams.live;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.cityledger.streams.totals.Totals;

/**
 * One message of the live stream.
 *
 * @param id       the stream's id of it: {@code <stream>.<sequence>}, sequence increasing by one per message
 * @param sequence its sequence number
 * @param type     snapshot (the whole picture), delta (what changed) or status (live or stale)
 * @param at       when the ledger computed it
 * @param complete whether the totals are every partition's, as of its last commit; false while a
 *                 partition cannot be read (rebalancing, an instance gone): then they are the last complete ones
 * @param reason   why the picture is not complete, else null
 * @param slices   snapshot: every slice with something counted; delta: the changed slices' new totals
 * @param events   snapshot: the newest counted events, newest first; delta: those counted since, newest first
 * @param offsets  per partition, the last input offset the totals include (null: restored, unknown)
 */
public record Update(String id, long sequence, Type type, Instant at, boolean complete, String reason,
                     Map<String, Totals> slices, List<FeedEvent> events, List<Long> offsets) {

    /** The kinds of message, as the SSE {@code event:} field names them. */
    public enum Type {
        SNAPSHOT("snapshot"), DELTA("delta"), STATUS("status");

        private final String wireName;

        Type(final String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }
}
