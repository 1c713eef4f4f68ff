package org.cityledger.streams.http;

import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cityledger.streams.query.Answer;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Router;
import org.cityledger.streams.state.IndexedEvent;

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

    void instances(final Context ctx) {
        final List<InstanceInfo> instances = router.instances();
        ctx.json(instances);
    }
}
