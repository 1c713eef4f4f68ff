package org.cityledger.producers;

import java.time.Duration;

/**
 * A publication every event of which the broker acknowledged.
 *
 * @param published events acknowledged (duplicates included: the ledger, not the publisher, counts them once)
 * @param elapsed   from the first send to the last acknowledgement
 */
public record PublishResult(long published, Duration elapsed) {
}
