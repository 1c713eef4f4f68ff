package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.common.utils.Bytes;

/**
 * Layout of the project-history store: every record of a project's partition, by project and
 * input offset, with what the ledger decided ({@link ProjectFact}); and, to forget facts past the
 * horizon a period at a time, the same records by 30-day period of arrival.
 *
 * <p>Fact key: {@code 'P'}, the project id's UTF-8 length (2 bytes) and bytes, the input offset
 * (8 bytes, big-endian): a project's facts are one contiguous range in arrival order. Arrival key:
 * {@code 'A'}, the period (8 bytes), the offset (8 bytes); its value is the project id. No
 * changelog: like the event index, the store is rebuilt from the events topic.
 */
public final class ProjectHistoryIndex {

    private static final byte FACT = 'P';
    private static final byte ARRIVAL = 'A';

    private ProjectHistoryIndex() {
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

    private static byte[] utf8(final String project) {
        final byte[] id = (project == null ? "" : project).getBytes(StandardCharsets.UTF_8);
        // a record key longer than this is no project id of ours; its facts are kept under a prefix of it
        return id.length <= Short.MAX_VALUE ? id : Arrays.copyOf(id, Short.MAX_VALUE);
    }
}
