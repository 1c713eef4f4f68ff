package org.cityledger.producers;

import java.util.Locale;

/** What the ledger made of one published event, as its HTTP API says ({@code "verdict":"counted"}). */
public enum Verdict {
    /** New: counted in the totals. */
    COUNTED,
    /** Replaced the event it {@code corrects}. */
    CORRECTED,
    /** The same id and content were counted before: a re-run or a re-sent file; not counted again. */
    DUPLICATE,
    /** Not counted, for the reason the ledger gave (e.g. a conflicting duplicate). */
    REJECTED,
    /** Not judged within the wait; ask again. */
    PENDING,
    /**
     * The ledger has no record of the event where it was asked about (or answered a word this
     * publisher does not know): its fate cannot be told from here.
     */
    UNKNOWN;

    /** The API's word for it, e.g. {@code counted}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The verdict the API's word names, or null for a word this publisher does not know. */
    public static Verdict fromWire(final String word) {
        for (final Verdict verdict : values()) {
            if (verdict.wireName().equals(word)) {
                return verdict;
            }
        }
        return null;
    }
}
