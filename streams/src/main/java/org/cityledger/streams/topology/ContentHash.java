package org.cityledger.streams.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import org.cityledger.domain.Amount;
import org.cityledger.domain.LedgerEvent;

/**
 * A digest of what an event says, to tell a re-delivery (same id, same content: counted once) from
 * a re-use of the id for a different fact (refused as a conflicting duplicate). The publishing
 * channel ({@code source}) is not part of the fact, so an office re-sending a file over HTTP is
 * still a duplicate. Decimal values are compared by value, not by scale (1.5 = 1.50). One instance
 * per processor (not thread-safe): the digest is created once, not looked up for every event.
 */
final class ContentHash {

    private static final int LENGTH = 16;

    private final MessageDigest digest;

    ContentHash() {
        try {
            this.digest = MessageDigest.getInstance("SHA-256");
        } catch (final NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    byte[] of(final LedgerEvent e) {
        final StringBuilder canonical = new StringBuilder(256)
                .append(e.kind()).append('\u0000')
                .append(e.eventId()).append('\u0000')
                .append(e.occurredAt().toEpochMilli()).append('\u0000')
                .append(e.district()).append('\u0000')
                .append(e.sector()).append('\u0000')
                .append(e.project().id()).append('\u0000')
                .append(e.project().name()).append('\u0000')
                .append(e.project().company()).append('\u0000')
                .append(e.project().category()).append('\u0000');
        amount(canonical, e.amount());
        amount(canonical, e.plannedWithinYear());
        canonical.append(e.program()).append('\u0000');
        amount(canonical, e.matching());
        canonical.append(e.corrects());
        // digest() also resets the digest for the next event
        return Arrays.copyOf(digest.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)), LENGTH);
    }

    private static void amount(final StringBuilder canonical, final Amount amount) {
        if (amount == null) {
            canonical.append('-').append('\u0000');
        } else {
            canonical.append(amount.value().stripTrailingZeros().toPlainString()).append(' ')
                    .append(amount.currency()).append('\u0000');
        }
    }
}
