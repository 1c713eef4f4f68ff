package org.cityledger.producers;

import java.util.List;

/**
 * What the ledger made of the events a file sent, from its verdicts rather than from what was sent.
 *
 * @param accepted        events the broker (or the ledger's API) acknowledged
 * @param counted         new events counted
 * @param corrected       corrections that replaced an earlier event
 * @param duplicates      events counted before (a re-run, a re-sent file): not counted again
 * @param rejected        events the ledger refused to count, in the order it said so
 * @param pending         events the ledger had not judged by the time the publisher stopped asking
 * @param pendingLines    the first of their line numbers, at most {@link #LISTED_PENDING}
 * @param unknown         events whose verdict could not be asked for
 * @param unknownReason   why, when {@code unknown > 0}; else null
 * @param refusedByLedger lines the ledger's own check refused ({@code 422}) though the local check passed
 *                        them: the ledger's clock or rules differ; nothing of their batch was published
 * @param failure         why sending stopped early, or null when every batch was sent
 */
public record DeliveryReport(long accepted, long counted, long corrected, long duplicates, List<Rejection> rejected,
                             long pending, List<Integer> pendingLines, long unknown, String unknownReason,
                             List<FileReport.LineError> refusedByLedger, Failure failure) {

    /** How many pending line numbers a report lists; the count covers the rest. */
    public static final int LISTED_PENDING = 20;

    public DeliveryReport {
        rejected = List.copyOf(rejected);
        pendingLines = List.copyOf(pendingLines);
        refusedByLedger = List.copyOf(refusedByLedger);
    }

    /** Every event sent was judged, none was refused, nothing stopped the sending. */
    public boolean isComplete() {
        return failure == null && rejected.isEmpty() && refusedByLedger.isEmpty() && pending == 0 && unknown == 0;
    }

    /**
     * One event the ledger would not count.
     *
     * @param line    where it is in the file
     * @param eventId its id
     * @param reason  the ledger's reason, e.g. {@code conflicting duplicate}
     */
    public record Rejection(int line, String eventId, String reason) {

        @Override
        public String toString() {
            return "line " + line + ": " + eventId + ": " + reason;
        }
    }

    /**
     * Why sending stopped before the end of the file.
     *
     * @param kind    what a person has to do about it
     * @param message what happened, naming the ledger and the lines concerned; never a credential
     */
    public record Failure(Kind kind, String message) {

        public enum Kind {
            /** 401: the token is missing or unknown to the ledger. */
            UNAUTHORIZED,
            /** 403: the token's office may not publish these events. */
            FORBIDDEN,
            /** The ledger or broker could not be reached, or stayed unavailable, after retries. */
            UNREACHABLE,
            /** The ledger's check refused lines the local check passed (422): sending stopped there. */
            REFUSED,
            /** The ledger answered in a way this publisher did not expect (a bug on one side). */
            PROTOCOL
        }
    }
}
