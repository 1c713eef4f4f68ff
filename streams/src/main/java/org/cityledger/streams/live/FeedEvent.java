package org.cityledger.streams.live;

import java.math.BigDecimal;
import org.cityledger.domain.EventKind;

/**
 * A newly counted event as the live feed shows it.
 *
 * @param eventId     the event id
 * @param project     its project id
 * @param projectName the project's name, may be null
 * @param company     the company, may be null
 * @param kind        signing, groundbreaking or funding
 * @param district    district code
 * @param sector      sector code
 * @param currency    the amounts' currency
 * @param amount      the amount
 * @param extra       within-year plan (groundbreaking) or enterprise matching (funding), may be null
 * @param corrects    the event it replaced, for a correction; else null
 * @param occurredAt  when it occurred (epoch ms)
 * @param arrivedAt   when the broker appended it (epoch ms)
 * @param partition   its partition of the events topic
 * @param offset      its offset there
 */
public record FeedEvent(String eventId, String project, String projectName, String company, EventKind kind,
                        String district, String sector, String currency, BigDecimal amount, BigDecimal extra,
                        String corrects, long occurredAt, long arrivedAt, int partition, long offset) {
}
