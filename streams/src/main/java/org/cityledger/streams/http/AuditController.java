package org.cityledger.streams.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cityledger.streams.query.Answer;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.EventsPage;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.query.EventsRequest;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.ProjectStory;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.Verdict;
import org.cityledger.streams.query.VerdictRequest;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.PartitionTotals;
import org.cityledger.streams.state.ProjectFact;
import org.cityledger.streams.totals.Totals;
import org.cityledger.streams.totals.TotalsKey;
import org.cityledger.streams.state.SliceEvent;

/**
 * Where an auditor or an office checks on one event ({@code /api/projects/{project}/events/{event}},
 * answered by the instance owning the project, wherever the request arrived) and on the cluster
 * ({@code /api/instances}).
 */
final class AuditController {

    private final Router router;

    AuditController(final Router router) {
        this.router = router;
    }

    void event(final Context ctx) {
        final String project = ctx.pathParam("project");
        final String eventId = ctx.pathParam("event");
        final Answer<Optional<IndexedEvent>> answer = router.event(project, eventId);
        ctx.header(TotalsController.INSTANCE_HEADER, String.join(",", answer.provenance().instances()));
        if (answer.value().isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no counted event '" + eventId + "' in project '" + project + "'",
                    "field", "event"));
            return;
        }
        final IndexedEvent event = answer.value().get();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", eventId);
        json.put("project", project);
        json.put("status", event.isCorrected() ? "corrected" : "counted");
        json.put("correctedBy", event.correctedBy());
        json.put("kind", event.contribution().kind().name());
        json.put("occurredAt", Instant.ofEpochMilli(event.occurredAt()).toString());
        json.put("district", event.contribution().district());
        json.put("sector", event.contribution().sector());
        json.put("currency", event.contribution().currency());
        json.put("amount", TotalsJson.money(event.contribution().amount()));
        json.put("extra", event.contribution().extra() == null ? null : TotalsJson.money(event.contribution().extra()));
        ctx.json(json);
    }

    /** The page size of {@code GET /api/events} when none is asked. */
    static final int DEFAULT_EVENTS_LIMIT = 100;

    /**
     * {@code GET /api/events?district=&sector=&type=&from=&to=&limit=&cursor=}: the counted events of a
     * slice whose occurrence lies in a range, in order of occurrence then event id, paged. With
     * {@code to} an as-of instant, exactly the events that make up that as-of total.
     */
    void events(final Context ctx) {
        final String district = ctx.queryParam("district") == null ? null : Reference.districtCode(ctx.queryParam("district"));
        final String sector = ctx.queryParam("sector") == null ? null : Reference.sectorCode(ctx.queryParam("sector"));
        final EventKind kind = kind(ctx.queryParam("type"));
        final long from = instant(ctx.queryParam("from"), "from", Long.MIN_VALUE);
        final long to = instant(ctx.queryParam("to"), "to", Long.MAX_VALUE);
        final int limit = limit(ctx.queryParam("limit"));
        final EventsCursor cursor = EventsCursor.decode(ctx.queryParam("cursor"));
        final Answer<EventsPage> answer = router.events(new EventsRequest(district, sector, kind, from, to,
                cursor == null ? Long.MIN_VALUE : cursor.occurredAt(), cursor == null ? null : cursor.eventId(),
                cursor == null ? null : cursor.project(), limit));
        ctx.header(TotalsController.INSTANCE_HEADER, String.join(",", answer.provenance().instances()));
        final EventsPage page = answer.value();
        final String next = page.more() ? EventsCursor.after(page.events().get(page.events().size() - 1)) : null;
        if (next != null) {
            ctx.header(TotalsController.NEXT_CURSOR_HEADER, next);
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("events", page.events().stream().map(AuditController::listed).toList());
        json.put("nextCursor", next);
        ctx.json(json);
    }

    private static Map<String, Object> listed(final SliceEvent event) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", event.eventId());
        json.put("project", event.project());
        json.put("kind", event.contribution().kind().name());
        json.put("occurredAt", Instant.ofEpochMilli(event.occurredAt()).toString());
        json.put("district", event.contribution().district());
        json.put("sector", event.contribution().sector());
        json.put("currency", event.contribution().currency());
        json.put("amount", TotalsJson.money(event.contribution().amount()));
        switch (event.contribution().kind()) {
            case GROUNDBREAKING -> json.put("plannedWithinYear", TotalsJson.money(event.contribution().extra()));
            case FUNDING -> json.put("matching", event.contribution().extra() == null ? null
                    : TotalsJson.money(event.contribution().extra()));
            default -> {
                // a signing has one figure
            }
        }
        json.put("partition", event.partition());
        json.put("offset", event.addedAt());
        return json;
    }

    private static EventKind kind(final String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return EventKind.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new BadQueryException("type", "must be SIGNING, GROUNDBREAKING or FUNDING, got '" + value + "'");
        }
    }

    private static long instant(final String value, final String name, final long absent) {
        if (value == null || value.isBlank()) {
            return absent;
        }
        try {
            return OffsetDateTime.parse(value).toInstant().toEpochMilli();
        } catch (final DateTimeParseException e) {
            try {
                return Instant.parse(value).toEpochMilli();
            } catch (final DateTimeParseException e2) {
                throw new BadQueryException(name, "must be an ISO-8601 instant such as 2022-02-10T12:00:00+08:00, got '" + value + "'");
            }
        }
    }

    private static int limit(final String value) {
        if (value == null || value.isBlank()) {
            return DEFAULT_EVENTS_LIMIT;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (final NumberFormatException e) {
            throw new BadQueryException("limit", "must be a whole number, got '" + value + "'");
        }
    }

    /**
     * {@code GET /api/audit/partitions}: every partition's committed totals, each slice, with the
     * last input offset and the dead-letter count they include, as one commit left them. What an
     * independent recomputation of the log compares with, partition by partition, reading each
     * partition exactly through that offset: exact while events keep arriving.
     */
    void partitions(final Context ctx) {
        final Answer<List<PartitionTotals>> answer = router.gather(PartialsRequest.partitionTotals(), null);
        ctx.header(TotalsController.INSTANCE_HEADER, String.join(",", answer.provenance().instances()));
        final List<Map<String, Object>> partitions = new ArrayList<>();
        for (int p = 0; p < answer.value().size(); p++) {
            final PartitionTotals totals = answer.value().get(p);
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("partition", p);
            json.put("committedOffset", totals.committedOffset() == PartitionTotals.ALL_RESTORED ? null : totals.committedOffset());
            json.put("deadLetters", totals.deadLetters() < 0 ? null : totals.deadLetters());
            final List<Map<String, Object>> slices = new ArrayList<>();
            totals.slices().forEach((key, slice) -> slices.add(TotalsJson.of(slice(key, slice), null)));
            json.put("slices", slices);
            partitions.add(json);
        }
        ctx.json(Map.of("partitions", partitions));
    }

    private static Slice slice(final String key, final Totals totals) {
        if (TotalsKey.SUMMARY.equals(key)) {
            return new Slice(null, null, totals);
        }
        if (key.startsWith(TotalsKey.DISTRICT_PREFIX)) {
            return new Slice(TotalsKey.suffix(key), null, totals);
        }
        if (key.startsWith(TotalsKey.SECTOR_PREFIX)) {
            return new Slice(null, TotalsKey.suffix(key), totals);
        }
        final String[] cell = TotalsKey.suffix(key).split("\\|", 2);
        return new Slice(cell[0], cell[1], totals);
    }

    /** {@code GET /api/projects/{project}}: what the project counts now, and every record of it with its verdict. */
    void project(final Context ctx) {
        final String project = ctx.pathParam("project");
        final Answer<ProjectStory> answer = router.story(project);
        ctx.header(TotalsController.INSTANCE_HEADER, String.join(",", answer.provenance().instances()));
        final ProjectStory story = answer.value();
        if (story.entries().isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no record of project '" + project + "'", "field", "project"));
            return;
        }
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("project", project);
        json.put("partition", story.partition());
        story.entries().stream().map(e -> e.fact().projectName()).filter(Objects::nonNull).reduce((a, b) -> b)
                .ifPresent(name -> json.put("name", name));
        story.entries().stream().map(e -> e.fact().company()).filter(Objects::nonNull).reduce((a, b) -> b)
                .ifPresent(company -> json.put("company", company));
        json.put("current", story.current().stream().map(e -> contribution(e.fact())).toList());
        json.put("history", story.entries().stream().map(e -> entry(story, e)).toList());
        ctx.json(json);
    }

    /** {@code GET /api/events/{event}/verdict?project=}: did it count? From the committed records of the project. */
    void verdict(final Context ctx) {
        final String eventId = ctx.pathParam("event");
        final String project = ctx.queryParam("project");
        if (project == null || project.isBlank()) {
            throw new BadQueryException("project", "is required: the event's project id, which locates its partition");
        }
        final Answer<ProjectStory> answer = router.story(project);
        ctx.header(TotalsController.INSTANCE_HEADER, String.join(",", answer.provenance().instances()));
        final Optional<Verdict> verdict = answer.value().verdictOf(eventId);
        if (verdict.isEmpty()) {
            ctx.status(HttpStatus.NOT_FOUND).json(Map.of("error", "no record of event '" + eventId + "' in project '" + project
                    + "' has been committed (not published, or not judged yet)", "field", "event"));
            return;
        }
        ctx.json(IngestController.verdict(verdict.get()));
    }

    /** {@code POST /api/verdicts?wait=}: the verdicts on records published earlier, as their acknowledgements placed them. */
    void verdicts(final Context ctx) {
        IngestController.requireJson(ctx);
        final Duration wait = IngestController.waitOf(ctx.queryParam("wait"));
        final List<VerdictRequest> asked = IngestController.verdictRequests(IngestController.parse(IngestController.readBody(ctx)));
        final List<Verdict> verdicts = router.verdicts(asked, wait);
        final boolean decided = verdicts.stream().allMatch(v -> v.outcome().decided());
        ctx.status(decided ? HttpStatus.OK : HttpStatus.ACCEPTED)
                .json(Map.of("events", IngestController.verdicts(verdicts)));
    }

    private static Map<String, Object> entry(final ProjectStory story, final ProjectStory.Entry entry) {
        final ProjectFact fact = entry.fact();
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", fact.eventId());
        json.put("kind", fact.kind() == null ? null : fact.kind().name());
        json.put("occurredAt", fact.occurredAt() == ProjectFact.UNKNOWN ? null : Instant.ofEpochMilli(fact.occurredAt()).toString());
        json.put("verdict", Verdict.of(new VerdictRequest(story.project(), fact.eventId(), story.partition(), fact.offset()), fact)
                .outcome().apiName());
        if (fact.corrects() != null && fact.verdict() == ProjectFact.Verdict.COUNTED) {
            json.put("corrects", fact.corrects());
        }
        if (entry.correctedBy() != null) {
            json.put("correctedBy", entry.correctedBy());
        }
        if (fact.verdict() == ProjectFact.Verdict.DUPLICATE) {
            json.put("duplicateOfOffset", fact.countedAt());
        }
        if (fact.reason() != null) {
            json.put("reason", fact.reason());
        }
        json.put("counts", entry.counts());
        json.put("partition", story.partition());
        json.put("offset", fact.offset());
        json.put("arrivedAt", Instant.ofEpochMilli(fact.arrivedAt()).toString());
        json.put("publisher", fact.source());
        if (fact.contribution() != null) {
            json.putAll(contribution(fact));
        }
        return json;
    }

    private static Map<String, Object> contribution(final ProjectFact fact) {
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("eventId", fact.eventId());
        json.put("kind", fact.contribution().kind().name());
        json.put("district", fact.contribution().district());
        json.put("sector", fact.contribution().sector());
        json.put("currency", fact.contribution().currency());
        json.put("amount", TotalsJson.money(fact.contribution().amount()));
        json.put("extra", fact.contribution().extra() == null ? null : TotalsJson.money(fact.contribution().extra()));
        return json;
    }

    void instances(final Context ctx) {
        final List<InstanceInfo> instances = router.instances();
        ctx.json(instances);
    }
}
