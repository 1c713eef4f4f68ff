package org.cityledger.streams.state;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.streams.totals.Contribution;
import org.cityledger.streams.totals.TotalsKey;

/**
 * What one partition remembers of its events, kept in step in one place: the event index (event
 * id → {@link IndexedEvent}: de-duplication and corrections), the Bloom filters in front of it
 * ({@link SeenEvents}), and the project history (every record of a project with the ledger's
 * verdict, and the counted events by cell and by occurrence: {@link AuditIndex}). The history's
 * timeline, every counted event by occurrence, also answers as-of totals within a period and says
 * what to forget past the horizon: a separate event-time index of the same events cost a RocksDB
 * write per event and a store of its own. Stream thread only. No store has a changelog: the events
 * topic is their source, and a task that opens without them rebuilds them ({@code LedgerProcessor}).
 *
 * <p>The event index also holds one key of its own, {@link #PROCESSED_THROUGH}: the last input offset
 * it includes, written when the task closes cleanly and removed when it opens, so that a crash
 * leaves no mark and the index is not trusted after one. The audit index holds the same mark
 * ({@link AuditIndex#CLOSE_MARK_KEY}): the two are separate RocksDBs that reach disk each on its own
 * (no write-ahead log: a memtable is on disk once flushed, and one of a store's memtables only after
 * the earlier ones), so a crash between their closes can leave one mark on disk and the other
 * store's last memtable lost. Only a mark both carry vouches for both ({@link #trustedMark}).
 */
public final class EventIndex {

    /** The clean-close mark. Ids cannot contain control characters, so it collides with none. */
    static final Bytes PROCESSED_THROUGH = key("\u0000processed-through");
    /** A clean-close mark: the offset, then {@link #MARKED_IN_BOTH}. */
    private static final int MARK_BYTES = Long.BYTES + 1;
    /** The mark's last byte: both indexes carry it (an eight-byte mark marked the event index alone). */
    private static final byte MARKED_IN_BOTH = 2;
    private static final int CLEAR_BATCH = 10_000;
    /** Keys a store holds back before writing them as a batch anyway: a commit's worth at thousands of events/s. */
    private static final int MAX_PENDING = 20_000;

    private final WriteBehind<Bytes> events;
    private final WriteBehind<Bytes> history;
    private final long filterBytes;
    private SeenEvents seen;

    /**
     * @param filterBytes heap the Bloom filters may take ({@link SeenEvents})
     */
    public EventIndex(final KeyValueStore<Bytes, byte[]> events, final KeyValueStore<Bytes, byte[]> history,
                      final long filterBytes) {
        this.events = WriteBehind.readable(events, MAX_PENDING);
        // read by key only for its layout mark: corrections rewrite entries from the event index
        this.history = WriteBehind.writeOnly(history, MAX_PENDING);
        this.filterBytes = filterBytes;
    }

    /**
     * Writes what the stores hold back. Before every commit (readers on other threads see only what
     * a commit included, and must find it written), before reading ranges, and when the task closes.
     */
    public void flush() {
        events.flush();
        history.flush();
    }

    /**
     * The mark of the last clean close, or null; removes it from both stores, so that a crash from
     * now on leaves none.
     */
    public Long takeCleanCloseMark() {
        final byte[] mark = events.get(PROCESSED_THROUGH);
        final byte[] historyMark = history.get(AuditIndex.CLOSE_MARK_KEY);
        events.delete(PROCESSED_THROUGH);
        history.delete(AuditIndex.CLOSE_MARK_KEY);
        return trustedMark(mark, historyMark);
    }

    /**
     * Marks both indexes exact through {@code offset}: call when the task closes after its last
     * commit. Each store's mark is its last write, so a store whose mark reached disk has all of it.
     */
    public void markCleanClose(final long offset) {
        final byte[] mark = ByteBuffer.allocate(MARK_BYTES).putLong(offset).put(MARKED_IN_BOTH).array();
        events.put(PROCESSED_THROUGH, mark);
        history.put(AuditIndex.CLOSE_MARK_KEY, mark);
        flush();
    }

    /**
     * The offset both marks vouch for, or null: none when the event index has no mark, or one the
     * audit index does not carry too (a crash between the stores' closes). A mark of eight bytes was
     * written by a ledger that marked the event index alone, and is trusted alone, as it was then:
     * an upgrade does not rebuild.
     */
    static Long trustedMark(final byte[] eventsMark, final byte[] historyMark) {
        if (eventsMark == null) {
            return null;
        }
        if (eventsMark.length == Long.BYTES) {
            return ByteBuffer.wrap(eventsMark).getLong();
        }
        final boolean inBoth = eventsMark.length == MARK_BYTES && eventsMark[Long.BYTES] == MARKED_IN_BOTH
                && Arrays.equals(eventsMark, historyMark);
        return inBoth ? ByteBuffer.wrap(eventsMark).getLong() : null;
    }

    public boolean isEmpty() {
        flush();
        return isEmpty(events.store());
    }

    /**
     * Whether the project history lacks the layout this code reads ({@link AuditIndex#LAYOUT_VERSION}):
     * empty, or written by a ledger that did not keep all of it (an upgrade). Then the whole index
     * is rebuilt, so that every layout holds every record.
     */
    public boolean historyIsOutdated() {
        return AuditIndex.layoutOf(history.get(AuditIndex.LAYOUT_KEY)) != AuditIndex.LAYOUT_VERSION;
    }

    /** Marks the project history as of the current layout: call once it is empty or rebuilt in that layout. */
    public void markHistoryLayout() {
        history.put(AuditIndex.LAYOUT_KEY, AuditIndex.layoutValue());
    }

    private static boolean isEmpty(final KeyValueStore<?, byte[]> store) {
        try (KeyValueIterator<?, byte[]> all = store.all()) {
            return !all.hasNext();
        }
    }

    /** Forgets every event, a batch of keys at a time: an index may hold millions. */
    public void clear() {
        flush();
        clear(events.store());
        clear(history.store());
    }

    /** Loads the Bloom filters from the event index: once the index is cleared or rebuilt, before any lookup. */
    public void load() {
        flush();
        seen = SeenEvents.of(events.store(), filterBytes);
    }

    /** The counted event with this id, or null if the ledger has not counted it (or has forgotten it). */
    public IndexedEvent find(final String eventId) {
        if (!seen.mightContain(eventId)) {
            return null;
        }
        final byte[] known = events.get(key(eventId));
        return known == null ? null : IndexedEvent.fromBytes(known);
    }

    /** Records that {@code event} counted at input offset {@code offset} (a correction: after {@link #corrected}). */
    public void counted(final LedgerEvent event, final byte[] contentHash, final long offset, final long arrivedAt,
                        final Contribution contribution) {
        final String eventId = event.eventId();
        final long occurredAt = event.occurredAt().toEpochMilli();
        events.put(key(eventId), new IndexedEvent(contentHash, event.project().id(), occurredAt, offset, contribution, null).toBytes());
        seen.add(eventId);
        final byte[] listed = new SliceEvent(eventId, event.project().id(), occurredAt, contribution, -1, offset,
                SliceEvent.NOT_REMOVED).toBytes();
        history.put(AuditIndex.sliceKey(contribution.district(), contribution.sector(), occurredAt, eventId), listed);
        history.put(AuditIndex.timelineKey(occurredAt, eventId), listed);
        // no arrival key: a counted fact is forgotten with its event (forgetBefore), whose timeline entry names the project
        history.put(AuditIndex.factKey(event.project().id(), offset), new ProjectFact(offset, arrivedAt, eventId, event.kind(),
                occurredAt, ProjectFact.Verdict.COUNTED, null, event.corrects(), offset, event.source(), contribution,
                event.project().name(), event.project().company()).toBytes());
    }

    /** Records that the record at {@code offset} re-delivered {@code event}, counted before at {@code original}'s offset. */
    public void duplicate(final LedgerEvent event, final IndexedEvent original, final long offset, final long arrivedAt) {
        fact(event.project().id(), new ProjectFact(offset, arrivedAt, event.eventId(), event.kind(),
                event.occurredAt().toEpochMilli(), ProjectFact.Verdict.DUPLICATE, null, event.corrects(), original.countedAt(),
                event.source(), null, event.project().name(), event.project().company()));
    }

    /**
     * Records that the record at {@code offset}, keyed {@code key}, was refused for {@code reason};
     * {@code event} is null when its bytes could not be read.
     */
    public void refused(final String key, final LedgerEvent event, final long offset, final long arrivedAt, final String reason) {
        final ProjectFact fact = event == null
                ? new ProjectFact(offset, arrivedAt, null, null, ProjectFact.UNKNOWN, ProjectFact.Verdict.REFUSED, reason, null, -1,
                        null, null, null, null)
                : new ProjectFact(offset, arrivedAt, event.eventId(), event.kind(),
                        event.occurredAt() == null ? ProjectFact.UNKNOWN : event.occurredAt().toEpochMilli(),
                        ProjectFact.Verdict.REFUSED, reason, event.corrects(), -1, event.source(), null,
                        event.project() == null ? null : event.project().name(),
                        event.project() == null ? null : event.project().company());
        fact(key, fact);
    }

    /**
     * A fact of a record that did not count, with its key by period of arrival, which forgets it past
     * the horizon. A counted event's fact needs none (a put per event fewer, of six): it goes when
     * the event is forgotten.
     */
    private void fact(final String project, final ProjectFact fact) {
        history.put(AuditIndex.factKey(project, fact.offset()), fact.toBytes());
        history.put(AuditIndex.arrivalKey(TotalsKey.period(fact.arrivedAt()), fact.offset()),
                (project == null ? "" : project).getBytes(StandardCharsets.UTF_8));
    }

    /** Records that {@code target} (event {@code targetId}) was corrected by {@code correctionId} at input offset {@code offset}. */
    public void corrected(final String targetId, final IndexedEvent target, final String correctionId, final long offset) {
        events.put(key(targetId), target.correctedBy(correctionId).toBytes());
        final Contribution c = target.contribution();
        // the entries counted() wrote, now removed at the correction's offset: rebuilt from the index, not read
        final byte[] removed = new SliceEvent(targetId, target.project(), target.occurredAt(), c, -1, target.countedAt(), offset)
                .toBytes();
        history.put(AuditIndex.sliceKey(c.district(), c.sector(), target.occurredAt(), targetId), removed);
        history.put(AuditIndex.timelineKey(target.occurredAt(), targetId), removed);
    }

    /** Every counted event of the partition's timeline, by occurrence; for rebuilding the per-period history. */
    public Iterable<SliceEvent> timeline() {
        flush();
        return () -> new SliceIterator(history.store().range(AuditIndex.timelineFrom(Long.MIN_VALUE),
                AuditIndex.timelineTo(Long.MAX_VALUE)));
    }

    /**
     * Forgets up to {@code max} events of the periods before {@code firstKeptPeriod}.
     *
     * @return how many were forgotten
     */
    public int forgetBefore(final long firstKeptPeriod, final int max) {
        flush();
        final List<SliceEvent> expired = new ArrayList<>();
        // the timeline is ordered by occurrence: every event of an earlier period sorts before the period's start
        try (KeyValueIterator<Bytes, byte[]> old = history.store().range(AuditIndex.timelineFrom(Long.MIN_VALUE),
                AuditIndex.timelineTo(TotalsKey.periodStart(firstKeptPeriod) - 1))) {
            while (old.hasNext() && expired.size() < max) {
                expired.add(SliceEvent.fromBytes(old.next().value));
            }
        }
        for (final SliceEvent event : expired) {
            events.delete(key(event.eventId()));
            // the counted fact of the event, which has no key by arrival of its own
            history.delete(AuditIndex.factKey(event.project(), event.addedAt()));
            history.delete(AuditIndex.sliceKey(event.contribution().district(), event.contribution().sector(),
                    event.occurredAt(), event.eventId()));
            history.delete(AuditIndex.timelineKey(event.occurredAt(), event.eventId()));
        }
        final int forgotten = expired.size() + forgetFactsBefore(firstKeptPeriod, max - expired.size());
        // a punctuation, perhaps with no commit to follow soon: readers should stop seeing what is forgotten now
        flush();
        return forgotten;
    }

    /** Forgets up to {@code max} project facts of records that arrived in the periods before {@code firstKeptPeriod}. */
    private int forgetFactsBefore(final long firstKeptPeriod, final int max) {
        final List<KeyValue<Bytes, byte[]>> expired = new ArrayList<>();
        history.flush();
        try (KeyValueIterator<Bytes, byte[]> old = history.store().range(AuditIndex.arrivalBound(0),
                AuditIndex.arrivalBound(firstKeptPeriod))) {
            while (old.hasNext() && expired.size() < max) {
                expired.add(old.next());
            }
        }
        for (final KeyValue<Bytes, byte[]> entry : expired) {
            final long offset = ByteBuffer.wrap(entry.key.get(), 1 + Long.BYTES, Long.BYTES).getLong();
            history.delete(AuditIndex.factKey(new String(entry.value, StandardCharsets.UTF_8), offset));
            history.delete(entry.key);
        }
        return expired.size();
    }

    /** The event index's key of an event id: its UTF-8, as Kafka Streams' string serde wrote it before the store was ours. */
    public static Bytes key(final String eventId) {
        return Bytes.wrap(eventId.getBytes(StandardCharsets.UTF_8));
    }

    private static <K> void clear(final KeyValueStore<K, byte[]> store) {
        while (true) {
            final List<K> keys = new ArrayList<>(CLEAR_BATCH);
            try (KeyValueIterator<K, byte[]> all = store.all()) {
                while (all.hasNext() && keys.size() < CLEAR_BATCH) {
                    keys.add(all.next().key);
                }
            }
            if (keys.isEmpty()) {
                return;
            }
            keys.forEach(store::delete);
        }
    }

    /**
     * Decodes timeline entries; closes the store iterator when exhausted. Callers that stop early
     * leave it to the store, which closes its open iterators when it closes.
     */
    private static final class SliceIterator implements Iterator<SliceEvent> {
        private final KeyValueIterator<Bytes, byte[]> all;
        private boolean closed;

        SliceIterator(final KeyValueIterator<Bytes, byte[]> all) {
            this.all = all;
        }

        @Override
        public boolean hasNext() {
            if (closed) {
                return false;
            }
            if (!all.hasNext()) {
                all.close();
                closed = true;
                return false;
            }
            return true;
        }

        @Override
        public SliceEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return SliceEvent.fromBytes(all.next().value);
        }
    }
}
