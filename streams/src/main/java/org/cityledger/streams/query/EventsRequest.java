package org.cityledger.streams.query;

import java.util.ArrayList;
import java.util.List;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;

/**
 * Which counted events are asked for: a slice (district, sector, both or neither), an event kind
 * or all, a range of {@code occurredAt} (both ends inclusive), and a page: the events after the
 * cursor {@code (afterOccurredAt, afterEventId)} in order of occurrence then event id.
 *
 * @param district        null: every district
 * @param sector          null: every sector
 * @param kind            null: every kind
 * @param fromMillis      earliest occurredAt, inclusive ({@link Long#MIN_VALUE}: no bound)
 * @param toMillis        latest occurredAt, inclusive ({@link Long#MAX_VALUE}: no bound); an as-of instant
 * @param afterOccurredAt the cursor's occurredAt, or {@link Long#MIN_VALUE} for the first page
 * @param afterEventId    the cursor's event id, or null for the first page
 * @param afterProject    the cursor's project (ids are unique per partition, so the last tie-breaker), or null
 * @param limit           the page's size
 */
public record EventsRequest(String district, String sector, EventKind kind, long fromMillis, long toMillis,
                            long afterOccurredAt, String afterEventId, String afterProject, int limit) {

    public static final int MAX_LIMIT = 1_000;

    public EventsRequest {
        if (district != null && !Reference.isDistrict(district)) {
            throw new UnknownCodeException("district", district);
        }
        if (sector != null && !Reference.isSector(sector)) {
            throw new UnknownCodeException("sector", sector);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadQueryException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        if (fromMillis > toMillis) {
            throw new BadQueryException("from", "must not be after to");
        }
    }

    /** The district × sector cells the slice covers. */
    public List<String[]> cells() {
        final List<String[]> cells = new ArrayList<>();
        for (final Reference.Code d : Reference.DISTRICTS) {
            if (district != null && !district.equals(d.code())) {
                continue;
            }
            for (final Reference.Code s : Reference.SECTORS) {
                if (sector == null || sector.equals(s.code())) {
                    cells.add(new String[] {d.code(), s.code()});
                }
            }
        }
        return cells;
    }

    /** Whether an event at (occurredAt, eventId) comes after this page's cursor. */
    public boolean afterCursor(final long occurredAt, final String eventId, final String project) {
        if (afterEventId == null) {
            return true;
        }
        if (occurredAt != afterOccurredAt) {
            return occurredAt > afterOccurredAt;
        }
        final int byId = eventId.compareTo(afterEventId);
        return byId > 0 || (byId == 0 && afterProject != null && project.compareTo(afterProject) > 0);
    }

    /** The start of the range to read: the later of {@code from} and the cursor's time. */
    public long readFrom() {
        return afterEventId == null ? fromMillis : Math.max(fromMillis, afterOccurredAt);
    }
}
