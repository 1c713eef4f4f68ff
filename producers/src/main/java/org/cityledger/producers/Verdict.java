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
    PENDING;

    /** The API's word for it, e.g. {@code counted}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @throws IllegalArgumentException for a word the API does not use
     */
    public static Verdict fromWire(final String word) {
        for (final Verdict verdict : values()) {
            if (verdict.wireName().equals(word)) {
                return verdict;
            }
        }
        throw new IllegalArgumentException("unknown verdict '" + word + "'");
    }
}
