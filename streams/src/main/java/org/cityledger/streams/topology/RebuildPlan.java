package org.cityledger.streams.topology;

/**
 * What a task opening with its event index must read from the events topic: whether to clear the
 * index first, and the offsets {@code [from, to)} to re-judge. The index is only trusted when it
 * carries the mark of a clean close and that mark is not beyond the committed offset.
 *
 * @param clear   the index does not match what was committed: empty it and rebuild from offset 0
 * @param from    first offset to read
 * @param to      the committed offset (the next record the task will process); nothing to read if {@code <= from}
 */
record RebuildPlan(boolean clear, long from, long to) {

    /**
     * @param markedThrough last offset the index includes per its clean-close mark, or null without a mark
     * @param indexEmpty    whether the index holds no entries
     * @param committed     the ledger's committed offset of the partition, -1 if nothing was ever committed
     */
    static RebuildPlan of(final Long markedThrough, final boolean indexEmpty, final long committed) {
        return of(markedThrough, indexEmpty, indexEmpty, committed);
    }

    /**
     * As {@link #of(Long, boolean, long)}, knowing whether the project history is outdated too: a
     * history missing or of an older layout beside a non-empty index (state written before the
     * ledger kept histories, or all of today's layout) means the whole index is rebuilt, so that
     * both hold every record.
     */
    static RebuildPlan of(final Long markedThrough, final boolean indexEmpty, final boolean historyOutdated, final long committed) {
        final long next = Math.max(0, committed);
        if (historyOutdated && !indexEmpty) {
            return new RebuildPlan(true, 0, next);
        }
        if (markedThrough == null) {
            // without the mark only an empty index is known to be right (a crash left no mark behind)
            return new RebuildPlan(!indexEmpty, 0, next);
        }
        if (committed < 0 || markedThrough >= committed) {
            // the index holds records no commit covers (an aborted transaction), or the group's offsets were reset
            return new RebuildPlan(true, 0, next);
        }
        return new RebuildPlan(false, markedThrough + 1, next);
    }

    boolean replays() {
        return to > from;
    }

    /** The last offset the index includes once the plan is carried out; -1 if none. */
    long through() {
        return Math.max(from, to) - 1;
    }
}
