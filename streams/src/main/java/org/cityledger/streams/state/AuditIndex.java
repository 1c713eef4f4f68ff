package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Layout of the audit store, what auditors and offices read of a partition:
 * <ul>
 *   <li>every record of a project, by project and input offset, with what the ledger decided
 *       ({@link ProjectFact}). Key: {@code 'P'}, the project id's UTF-8 length (2 bytes) and bytes,
 *       the input offset (8 bytes, big-endian): a project's facts are one contiguous range in
 *       arrival order;</li>
 *   <li>the same records by 30-day period of arrival, to forget them past the horizon a period at a
 *       time. Key: {@code 'A'}, the period (8 bytes), the offset (8 bytes); value: the project id.
 *       Only for records that did not count: a counted event's fact is forgotten with the event
 *       (its timeline entry names the project), a write per event fewer;</li>
 *   <li>every counted event of a district × sector cell by {@code occurredAt} then event id
 *       ({@link SliceEvent}), so that the events behind any total can be paged in order. Key:
 *       {@code 'S'}, district and sector (each length-prefixed), occurredAt (8 bytes, sign bit
 *       flipped so that negative times sort first), the event id's UTF-8. A corrected event keeps its
 *       entry, marked with the offset that removed it, so that a reader at an earlier committed
 *       offset still sees it.</li>
 *   <li>the same counted events again, the partition's whole timeline by {@code occurredAt} then
 *       event id. Key: {@code 'T'}, occurredAt (sign bit flipped), the event id's UTF-8; value as
 *       the cell's entry. An unsliced page (the summary's events) reads one range per partition
 *       here instead of one per cell: the benchmark measured a page of 100 over 1 M events at 480
 *       range seeks (80 cells × 6 partitions) and 5-8 ms of CPU, most of it RocksDB seeks. A district
 *       or a sector has 8 or 10 cells, a seek each, cheap enough to need no layout of its own. The
 *       timeline is also the partition's event-time index: as-of totals add a period's entries up to
 *       the asked instant, the per-period history is rebuilt from it, and forgetting past the horizon
 *       walks it from the start (a store of its own for that cost a write per event more).</li>
 *   <li>one key of its own, {@code 'L'}: the layout's version, so that a store written by a ledger
 *       that did not keep some layout is rebuilt instead of answering with what it lacks.</li>
 *   <li>one more, {@code 'M'}: its half of the clean-close mark ({@link EventIndex#markCleanClose}).</li>
 * </ul>
 * No changelog: like the event index, the store is rebuilt from the events topic.
 */
public final class AuditIndex {

    private static final byte FACT = 'P';
    private static final byte ARRIVAL = 'A';
    private static final byte SLICE = 'S';
    private static final byte TIMELINE = 'T';
    /**
     * The layout version this code reads and writes: 2 added the timeline and forgets counted facts
     * with their events; 3 has the event index name each event's project ({@link IndexedEvent}), with
     * which a correction rewrites the audit entries of the event it replaces without reading them.
     * The event index and the audit index are rebuilt together, so one version speaks for both.
     */
    public static final int LAYOUT_VERSION = 3;
    /** The key of the layout version. */
    public static final Bytes LAYOUT_KEY = Bytes.wrap(new byte[] {'L'});
    /** The key of the audit index's copy of the clean-close mark: outside every range the layouts read. */
    static final Bytes CLOSE_MARK_KEY = Bytes.wrap(new byte[] {'M'});

    private AuditIndex() {
    }

    public static Bytes factKey(final String project, final long offset) {
        final byte[] id = utf8(project);
        return Bytes.wrap(ByteBuffer.allocate(1 + 2 + id.length + 8).put(FACT).putShort((short) id.length).put(id)
                .putLong(offset).array());
    }

    /** The smallest fact key of {@code project}: range bounds, inclusive. */
    public static Bytes firstOf(final String project) {
        return factKey(project, 0);
    }

    /** The largest fact key of {@code project}: range bounds, inclusive. */
    public static Bytes lastOf(final String project) {
        return factKey(project, Long.MAX_VALUE);
    }

    static Bytes arrivalKey(final long period, final long offset) {
        return Bytes.wrap(ByteBuffer.allocate(1 + 16).put(ARRIVAL).putLong(period).putLong(offset).array());
    }

    static Bytes arrivalBound(final long period) {
        return Bytes.wrap(ByteBuffer.allocate(1 + 8).put(ARRIVAL).putLong(period).array());
    }

    /** The key of a counted event in its cell. */
    public static Bytes sliceKey(final String district, final String sector, final long occurredAt, final String eventId) {
        final byte[] d = utf8(district);
        final byte[] s = utf8(sector);
        final byte[] e = eventId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + 2 + d.length + 2 + s.length + 8 + e.length).put(SLICE)
                .putShort((short) d.length).put(d).putShort((short) s.length).put(s)
                .putLong(occurredAt ^ Long.MIN_VALUE).put(e).array());
    }

    /** The smallest key of a cell's events that occurred at or after {@code occurredAt}: range bounds, inclusive. */
    public static Bytes sliceFrom(final String district, final String sector, final long occurredAt) {
        return sliceKey(district, sector, occurredAt, "");
    }

    /** A key after every key of a cell's events that occurred at or before {@code occurredAt}: range bounds, inclusive. */
    public static Bytes sliceTo(final String district, final String sector, final long occurredAt) {
        return after(sliceKey(district, sector, occurredAt, ""));
    }

    /** The key of a counted event in the partition's timeline. */
    public static Bytes timelineKey(final long occurredAt, final String eventId) {
        final byte[] e = eventId.getBytes(StandardCharsets.UTF_8);
        return Bytes.wrap(ByteBuffer.allocate(1 + 8 + e.length).put(TIMELINE).putLong(occurredAt ^ Long.MIN_VALUE).put(e).array());
    }

    /** The smallest timeline key of the events that occurred at or after {@code occurredAt}: range bounds, inclusive. */
    public static Bytes timelineFrom(final long occurredAt) {
        return timelineKey(occurredAt, "");
    }

    /** A key after every timeline key of the events that occurred at or before {@code occurredAt}: range bounds, inclusive. */
    public static Bytes timelineTo(final long occurredAt) {
        return after(timelineKey(occurredAt, ""));
    }

    public static byte[] layoutValue() {
        return ByteBuffer.allocate(Integer.BYTES).putInt(LAYOUT_VERSION).array();
    }

    /** The layout version a store's mark says, 0 for a store without one (written before marks existed, or empty). */
    public static int layoutOf(final byte[] mark) {
        return mark == null || mark.length != Integer.BYTES ? 0 : ByteBuffer.wrap(mark).getInt();
    }

    private static Bytes after(final Bytes from) {
        final byte[] bound = Arrays.copyOf(from.get(), from.get().length + 1);
        // ids are text: no UTF-8 sequence of an id starts with 0xFF
        bound[bound.length - 1] = (byte) 0xFF;
        return Bytes.wrap(bound);
    }

    private static byte[] utf8(final String project) {
        final byte[] id = (project == null ? "" : project).getBytes(StandardCharsets.UTF_8);
        // a record key longer than this is no project id of ours; its facts are kept under a prefix of it
        return id.length <= Short.MAX_VALUE ? id : Arrays.copyOf(id, Short.MAX_VALUE);
    }
}
