package org.cityledger.streams.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.Violation;
import org.cityledger.producers.IngestException;
import org.cityledger.producers.IngestJson;
import org.cityledger.streams.access.Office;
import org.cityledger.streams.query.Verdict;
import org.cityledger.streams.query.VerdictRequest;

/**
 * What a district office's publication goes through, whatever carried it: every event checked with
 * the ingest format's rules, every event of the office's own district (corrections included),
 * stamped with the office as its source, and only if the whole request passes, published, answered
 * once the broker acknowledged every event ({@code acks=all}) and, if asked, once the ledger judged
 * them. Knows nothing of HTTP.
 */
public final class IngestService {

    /** The most events one request may carry. */
    public static final int MAX_EVENTS = 1_000;
    /** The longest a request may wait for its verdicts. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(30);

    /** Publishes one event, completing with where the broker put it. */
    @FunctionalInterface
    public interface Publisher {
        CompletableFuture<RecordMetadata> publish(LedgerEvent event);
    }

    /** The district of a counted event, from the ledger's committed state; empty if the ledger does not know it. */
    @FunctionalInterface
    public interface CountedDistricts {
        Optional<String> districtOf(String project, String eventId);
    }

    /** The ledger's verdicts on published records. */
    @FunctionalInterface
    public interface Verdicts {
        List<Verdict> verdicts(List<VerdictRequest> records, Duration wait);
    }

    /** What became of an accepted request: a verdict per event, in request order (pending ones too). */
    public record Receipt(List<Verdict> verdicts) {

        public boolean allDecided() {
            return verdicts.stream().allMatch(v -> v.outcome().decided());
        }
    }

    private final IngestJson json;
    private final Publisher publisher;
    private final CountedDistricts counted;
    private final Verdicts verdicts;

    public IngestService(final IngestJson json, final Publisher publisher, final CountedDistricts counted, final Verdicts verdicts) {
        this.json = json;
        this.publisher = publisher;
        this.counted = counted;
        this.verdicts = verdicts;
    }

    /**
     * Checks and publishes what {@code office} sent: one event (a JSON object) or a batch (an array).
     *
     * @param wait how long to wait for the ledger's verdicts after the acknowledgements; zero for none
     * @throws IngestRefusedException when any of it cannot be accepted; then nothing was published
     * @throws PublishFailedException when the broker did not acknowledge every event
     */
    public Receipt publish(final Office office, final JsonNode body, final Duration wait) {
        final List<JsonNode> elements = elements(body);
        final List<LedgerEvent> events = new ArrayList<>(elements.size());
        final List<IngestRefusedException.Problem> problems = new ArrayList<>();
        for (int i = 0; i < elements.size(); i++) {
            final LedgerEvent event = parse(i, elements.get(i), problems);
            if (event != null) {
                events.add(event.toBuilder().source(office.source()).build());
            }
        }
        if (!problems.isEmpty()) {
            throw IngestRefusedException.invalid(problems, elements.size());
        }
        requireOwnDistrict(office, events);
        return publish(events, wait);
    }

    private static List<JsonNode> elements(final JsonNode body) {
        if (body == null || !(body.isObject() || body.isArray())) {
            throw IngestRefusedException.malformed("the body must be one event (a JSON object) or a batch (a JSON array of them)");
        }
        if (body.isObject()) {
            return List.of(body);
        }
        if (body.size() > MAX_EVENTS) {
            throw IngestRefusedException.tooLarge("a batch holds at most " + MAX_EVENTS + " events, this one " + body.size());
        }
        if (body.isEmpty()) {
            throw IngestRefusedException.malformed("the batch is empty");
        }
        final List<JsonNode> elements = new ArrayList<>(body.size());
        body.forEach(elements::add);
        return elements;
    }

    private LedgerEvent parse(final int index, final JsonNode element, final List<IngestRefusedException.Problem> problems) {
        if (!element.isObject()) {
            problems.add(new IngestRefusedException.Problem(index, null, "$", "must be a JSON object"));
            return null;
        }
        // the ledger says who published it: whatever the client put in source is not taken
        final ObjectNode event = ((ObjectNode) element).deepCopy();
        event.remove("source");
        try {
            return json.parse(event);
        } catch (final IngestException e) {
            final JsonNode id = element.get("eventId");
            final String eventId = id != null && id.isTextual() ? id.textValue() : null;
            for (final Violation violation : e.violations()) {
                problems.add(new IngestRefusedException.Problem(index, eventId, violation.field(), violation.reason()));
            }
            return null;
        }
    }

    /** An office publishes its own district's facts, and corrects only its own district's events. */
    private void requireOwnDistrict(final Office office, final List<LedgerEvent> events) {
        final Map<String, String> inBatch = new HashMap<>();
        for (final LedgerEvent event : events) {
            if (!office.district().equals(event.district())) {
                throw IngestRefusedException.forbidden(office, event.district(), "event '" + event.eventId() + "'");
            }
            if (event.corrects() != null) {
                final String target = inBatch.containsKey(event.corrects())
                        ? inBatch.get(event.corrects())
                        : counted.districtOf(event.project().id(), event.corrects()).orElse(null);
                // an unknown target is the ledger's to refuse, with its reason, in the verdict
                if (target != null && !office.district().equals(target)) {
                    throw IngestRefusedException.forbidden(office, target, "event '" + event.corrects() + "', which event '"
                            + event.eventId() + "' corrects,");
                }
            }
            inBatch.put(event.eventId(), event.district());
        }
    }

    private Receipt publish(final List<LedgerEvent> events, final Duration wait) {
        final List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(events.size());
        for (final LedgerEvent event : events) {
            acks.add(publisher.publish(event));
        }
        final long deadline = System.nanoTime() + ACK_TIMEOUT.toNanos();
        final List<VerdictRequest> published = new ArrayList<>(events.size());
        final List<String> failures = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            final LedgerEvent event = events.get(i);
            try {
                final RecordMetadata ack = acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                published.add(new VerdictRequest(event.project().id(), event.eventId(), ack.partition(), ack.offset()));
            } catch (final ExecutionException e) {
                failures.add(i + " (" + event.eventId() + "): " + e.getCause().getMessage());
                published.add(null);
            } catch (final TimeoutException e) {
                failures.add(i + " (" + event.eventId() + "): not acknowledged within " + ACK_TIMEOUT.toSeconds() + " s");
                published.add(null);
            } catch (final InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PublishFailedException("interrupted while waiting for the broker", published, List.of());
            }
        }
        if (!failures.isEmpty()) {
            throw new PublishFailedException("the broker did not acknowledge " + failures.size() + " of " + events.size()
                    + " events; the others are published. Send the batch again: what counted counts once", published, failures);
        }
        if (wait.isZero()) {
            return new Receipt(published.stream().map(Verdict::pending).toList());
        }
        return new Receipt(verdicts.verdicts(published, wait));
    }
}
