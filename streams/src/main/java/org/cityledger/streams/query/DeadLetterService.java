package org.cityledger.streams.query;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiFunction;
import org.cityledger.streams.state.DeadLetterPage;

/**
 * Pages through the dead letters of all partitions, newest first. The cursor is opaque to clients:
 * it encodes where the previous page ended.
 */
public final class DeadLetterService {

    public static final int MAX_LIMIT = 500;

    /** Pages of every partition for (before, limit). */
    private final BiFunction<String, Integer, List<DeadLetterPage>> partitions;

    public DeadLetterService(final BiFunction<String, Integer, List<DeadLetterPage>> partitions) {
        this.partitions = partitions;
    }

    /** Dead letters from every partition, on whichever instance holds its active copy. */
    public static DeadLetterService of(final Router router) {
        return new DeadLetterService((before, limit) -> router.gather(PartialsRequest.deadLetters(before, limit), null)
                .value());
    }

    /** A page: the total count, up to {@code limit} items, and the cursor of the next page (null at the end). */
    public record Page(long total, List<DeadLetterPage.Item> items, String nextCursor) {
    }

    public Page page(final String cursor, final int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new BadQueryException("limit", "must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        final String before = cursor == null ? null : decode(cursor);
        long total = 0;
        final List<DeadLetterPage.Item> merged = new ArrayList<>();
        for (final DeadLetterPage page : partitions.apply(before, limit + 1)) {
            total += page.total();
            merged.addAll(page.items());
        }
        merged.sort(Comparator.comparing(DeadLetterPage.Item::sortKey).reversed());
        final boolean more = merged.size() > limit;
        final List<DeadLetterPage.Item> items = List.copyOf(merged.subList(0, Math.min(limit, merged.size())));
        final String next = more ? encode(items.get(items.size() - 1).sortKey()) : null;
        return new Page(total, items, next);
    }

    private static String encode(final String sortKey) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sortKey.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(final String cursor) {
        try {
            return new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
        } catch (final IllegalArgumentException e) {
            throw new BadQueryException("cursor", "not a cursor this API returned");
        }
    }
}
