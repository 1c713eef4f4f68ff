package org.cityledger.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/** A test's reader of {@code GET /api/stream}: every message it received, in order, read on its own thread. */
public final class SseClient implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One message: its id, its event name and its data parsed. */
    public record Message(String id, String event, JsonNode data) {
    }

    private final List<Message> messages = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Thread reader;
    private volatile Stream<String> lines;
    private volatile int status;

    /** Connects to {@code baseUrl + /api/stream}, sending {@code lastEventId} when not null. */
    public SseClient(final String baseUrl, final String lastEventId) {
        final HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/api/stream")).GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        final HttpResponse<Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        status = response.statusCode();
        lines = response.body();
        reader = new Thread(this::read, "sse-test-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String id = null;
        String event = null;
        final StringBuilder data = new StringBuilder();
        try {
            for (final String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (event != null) {
                        messages.add(new Message(id, event, JSON.readTree(data.toString())));
                    }
                    id = null;
                    event = null;
                    data.setLength(0);
                } else if (line.startsWith("id: ")) {
                    id = line.substring(4);
                } else if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    data.append(line.substring(6));
                }
            }
        } catch (final IOException | UncheckedIOException e) {
            // closed
        }
    }

    public int status() {
        return status;
    }

    public List<Message> messages() {
        return List.copyOf(messages);
    }

    public Message last() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1);
    }

    /** The summary as the messages so far leave it (a delta carries it when it changed), or null before any. */
    public JsonNode summary() {
        JsonNode summary = null;
        for (final Message message : messages) {
            if (message.data().has("summary")) {
                summary = message.data().get("summary");
            }
        }
        return summary;
    }

    /** Whether some delta or snapshot listed the counted event {@code eventId}. */
    public boolean saw(final String eventId) {
        return messages.stream().anyMatch(m -> {
            final JsonNode events = m.data().path("events");
            for (final JsonNode e : events) {
                if (eventId.equals(e.path("eventId").asText())) {
                    return true;
                }
            }
            return false;
        });
    }

    @Override
    public void close() {
        lines.close();
        try {
            reader.join(Duration.ofSeconds(5).toMillis());
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
