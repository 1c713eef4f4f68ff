package org.cityledger.producers;

/**
 * The ledger's answer for one event of a request to {@code /api/events} or {@code /api/verdicts}.
 *
 * @param index     position of the event in the request's array
 * @param eventId   the event's id
 * @param project   the project id, the record's key
 * @param partition partition of {@code ledger.events} the event was written to, -1 if not given
 * @param offset    its offset there, -1 if not given
 * @param verdict   what the ledger made of it
 * @param corrects  for {@link Verdict#CORRECTED}: the id of the event it replaced; else null
 * @param reason    for {@link Verdict#REJECTED}: why; else null
 */
public record EventVerdict(int index, String eventId, String project, int partition, long offset,
                           Verdict verdict, String corrects, String reason) {
}
