package org.cityledger.schema;

/** Topic names, shared by producers, the topology, the launcher and the tests. */
public final class Topics {

    /** All ledger events, the three kinds together, keyed by project id. */
    public static final String EVENTS = "ledger.events";

    /** Records the ledger refused, with the original bytes and the reason in headers. */
    public static final String DEAD_LETTERS = "ledger.dead-letters";

    /** The prefix of the district offices' inbox topics; see {@link #inbox(String)}. */
    public static final String INBOX_PREFIX = "ledger.inbox.";

    /** Partitions of {@link #EVENTS}: the unit of parallelism across ledger nodes. */
    public static final int DEFAULT_PARTITIONS = 6;

    /**
     * A district office's inbox on a secured cluster: only that office's principal may write it, only
     * the ledger reads it, and the ledger moves what it accepts into {@link #EVENTS}.
     *
     * @param district a district code, e.g. {@code kunshan}
     */
    public static String inbox(final String district) {
        if (district == null || district.isBlank()) {
            throw new IllegalArgumentException("district: is required");
        }
        return INBOX_PREFIX + district;
    }

    /** The district whose inbox {@code topic} is, or null if it is no inbox. */
    public static String inboxDistrict(final String topic) {
        return topic != null && topic.startsWith(INBOX_PREFIX) && topic.length() > INBOX_PREFIX.length()
                ? topic.substring(INBOX_PREFIX.length()) : null;
    }

    private Topics() {
    }
}
