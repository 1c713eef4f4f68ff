package org.cityledger.streams.http;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.state.SliceEvent;

/** The opaque cursor of {@code GET /api/events}: where the previous page ended (occurrence, event id, project). */
record EventsCursor(long occurredAt, String eventId, String project) {

    static String after(final SliceEvent last) {
        final byte[] id = last.eventId().getBytes(StandardCharsets.UTF_8);
        final byte[] project = last.project().getBytes(StandardCharsets.UTF_8);
        final ByteBuffer bytes = ByteBuffer.allocate(8 + 4 + id.length + 4 + project.length)
                .putLong(last.occurredAt()).putInt(id.length).put(id).putInt(project.length).put(project);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** Null for the first page. */
    static EventsCursor decode(final String cursor) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        try {
            final ByteBuffer bytes = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor.strip()));
            final long occurredAt = bytes.getLong();
            final byte[] id = new byte[bytes.getInt()];
            bytes.get(id);
            final byte[] project = new byte[bytes.getInt()];
            bytes.get(project);
            return new EventsCursor(occurredAt, new String(id, StandardCharsets.UTF_8), new String(project, StandardCharsets.UTF_8));
        } catch (final IllegalArgumentException | BufferUnderflowException | NegativeArraySizeException e) {
            throw new BadQueryException("cursor", "not a cursor this API returned");
        }
    }
}
