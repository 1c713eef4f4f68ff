package org.cityledger.streams.state;

import java.util.List;

/**
 * A page of dead letters, newest first.
 *
 * @param total dead letters in all (of the partitions read)
 * @param items the page; each with its sort key, which is the cursor for the next page
 */
public record DeadLetterPage(long total, List<Item> items) {

    /** One dead letter and its position in the newest-first order. */
    public record Item(String sortKey, DeadLetter letter) {
    }
}
