package org.cityledger.schema;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Headers the ledger itself writes on {@link Topics#EVENTS} when it moves a record from a district
 * office's inbox, shared by the ledger's topology and the audit, which decide such records alike.
 *
 * <p>They are trusted because on a secured cluster {@link Topics#EVENTS} is writable by the ledger
 * principal alone (offices write only their inboxes, and the inbox stage drops whatever headers of
 * these names an office wrote there). On an unsecured cluster anyone may write the events topic and
 * so these headers too; that is no escalation, since whoever can write the events topic can write
 * any fact there anyway, and a forged {@link #REFUSED} only gets the forger's own record refused.
 */
public final class LedgerHeaders {

    /** The district code of the office that published the record through its inbox. */
    public static final String OFFICE = "ledger.office";

    /**
     * Why the inbox stage refused the record (e.g. {@code district 'wujiang' published through
     * kunshan's inbox}): the ledger refuses any record carrying it, with this reason, as it refuses
     * every other bad record, so the refusal is counted, kept and reconciled like the others.
     */
    public static final String REFUSED = "ledger.refused";

    private LedgerHeaders() {
    }

    /** The last value of header {@code name} as UTF-8, or null if {@code headers} has none. */
    public static String value(final Headers headers, final String name) {
        if (headers == null) {
            return null;
        }
        final Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
