package org.cityledger.streams.access;

/**
 * A district office, as its token identifies it.
 *
 * @param district the district code the office publishes for
 * @param tokenId  the public part of its token (safe to log), naming which of the office's tokens was used
 */
public record Office(String district, String tokenId) {

    /** The {@code source} the ledger stamps on what this office publishes. */
    public String source() {
        return sourceOf(district);
    }

    /** The {@code source} of what {@code district}'s office publishes, by HTTP or through its inbox. */
    public static String sourceOf(final String district) {
        return "office:" + district;
    }
}
