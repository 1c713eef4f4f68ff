package org.cityledger.streams.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.cityledger.streams.query.Answer;
import org.cityledger.streams.query.BadQueryException;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.ProjectStory;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.query.Verdict;
import org.cityledger.streams.query.VerdictRequest;
import org.cityledger.streams.state.IndexedEvent;
import org.cityledger.streams.state.ProjectFact;

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
                .json(Map.of("events", verdicts.stream().map(IngestController::verdict).toList()));
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
