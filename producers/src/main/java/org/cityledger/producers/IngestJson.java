package org.cityledger.producers;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.EventRules;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;
import org.cityledger.domain.Violation;

/**
 * The JSON ingest format: one event per line of a file or per HTTP request body, e.g.
 * <pre>{@code
 * {"eventId":"kunshan-2022-0001","type":"SIGNING","occurredAt":"2022-02-10T09:30:00+08:00",
 *  "district":"kunshan","sector":"displays",
 *  "project":{"id":"ks-auo-ltps","name":"LTPS panel line","company":"AUO (Kunshan)","category":"strategic-emerging"},
 *  "amount":{"value":"1800000000.00","currency":"USD"}}
 * }</pre>
 * Groundbreakings add {@code plannedWithinYear}, fundings add {@code program} and optionally
 * {@code matching}; any event may carry {@code corrects} (the eventId it corrects) and {@code source}.
 * Fields that do not apply to a type are omitted.
 *
 * <p>Money is a decimal <em>string</em>: a JSON number would pass through a binary float in most
 * clients (JavaScript, spreadsheets), so the format refuses numbers rather than count a rounded
 * figure. Parsing checks the structure first and then {@link EventRules}, and reports every problem at
 * once. Thread-safe.
 */
public final class IngestJson {

    /** The offset {@link #write} renders times in: the city's own, so files read naturally there. */
    public static final ZoneOffset CITY_OFFSET = ZoneOffset.ofHours(8);

    private static final String ROOT = "$";
    private static final Pattern DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
    private static final String DECIMAL_REASON = "must be a decimal string such as \"1500000000.00\"";
    private static final String TIME_REASON = "must be an ISO-8601 date-time with offset, such as \"2022-02-10T09:30:00+08:00\"";
    private static final String KINDS = Arrays.stream(EventKind.values()).map(Enum::name).collect(Collectors.joining(", "));

    /** What an audit export adds to each event; read past, so that an export publishes again as it is. */
    public static final String AUDIT_FIELD = "audit";
    private static final Set<String> FIELDS = Set.of(AUDIT_FIELD, "eventId", "type", "occurredAt", "district", "sector", "project",
            "amount", "plannedWithinYear", "program", "matching", "corrects", "source");
    private static final Set<String> PROJECT_FIELDS = Set.of("id", "name", "company", "category");
    private static final Set<String> AMOUNT_FIELDS = Set.of("value", "currency");

    private final JsonMapper mapper = JsonMapper.builder()
            // a key given twice would leave it to chance which value is counted
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            // two objects on one line are two events glued together, not one
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // no number in the tree ever becomes a double, even one we go on to refuse
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private final Clock clock;
    private final EventRules rules;

    /** System clock, default rules. */
    public IngestJson() {
        this(Clock.systemUTC());
    }

    /**
     * @param clock the time {@link EventRules} judges {@code occurredAt} against
     */
    public IngestJson(final Clock clock) {
        this(clock, EventRules.defaults());
    }

    public IngestJson(final Clock clock, final EventRules rules) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * Reads one event.
     *
     * @throws IngestException listing every structural problem and broken rule, each as {@code field: reason}
     */
    public LedgerEvent parse(final String json) {
        final JsonNode root;
        try {
            root = mapper.readTree(json == null ? "" : json);
        } catch (final JsonProcessingException e) {
            throw new IngestException(List.of(new Violation(ROOT, "is not valid JSON: " + describe(e))));
        }
        return parse(root);
    }

    /**
     * Reads one event from a tree already parsed: an element of a batch request body, or a CSV row
     * turned into the ingest format's tree. Same checks and reasons as {@link #parse(String)}. A
     * tree has already lost a key given twice, so the mapper that read it should enable
     * {@code StreamReadFeature.STRICT_DUPLICATE_DETECTION}, as this class's own does.
     *
     * @param root null or a non-object is refused as {@code $: must be a JSON object}
     * @throws IngestException listing every structural problem and broken rule, each as {@code field: reason}
     */
    public LedgerEvent parse(final JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new IngestException(List.of(new Violation(ROOT, "must be a JSON object")));
        }

        final List<Violation> structural = new ArrayList<>();
        final EventKind kind = kind(root.get("type"), structural);
        final String eventId = text(root, "eventId", "eventId", structural);
        final Instant occurredAt = instant(root.get("occurredAt"), structural);
        // offices' own systems speak national codes (GB/T 2260, GB/T 4754): the ledger keeps its own
        final String district = Reference.districtCode(text(root, "district", "district", structural));
        final String sector = Reference.sectorCode(text(root, "sector", "sector", structural));
        final ProjectRef project = project(root.get("project"), structural);
        final Amount amount = amount(root.get("amount"), "amount", structural);
        final Amount plannedWithinYear = amount(root.get("plannedWithinYear"), "plannedWithinYear", structural);
        final String program = text(root, "program", "program", structural);
        final Amount matching = amount(root.get("matching"), "matching", structural);
        final String corrects = text(root, "corrects", "corrects", structural);
        final String source = text(root, "source", "source", structural);
        rejectUnknown(root, FIELDS, "", structural);

        final String subject = eventId == null || eventId.isBlank() ? "event refused" : "event " + eventId + " refused";
        if (kind == null) {
            // without a type there is no rule set to check against; the structural problems are the answer
            throw new IngestException(subject, structural);
        }
        final LedgerEvent event = LedgerEvent.builder(kind).eventId(eventId).occurredAt(occurredAt)
                .district(district).sector(sector).project(project).amount(amount)
                .plannedWithinYear(plannedWithinYear).program(program).matching(matching)
                .corrects(corrects).source(source).build();
        final List<Violation> all = new ArrayList<>(structural);
        for (final Violation broken : rules.check(event, clock.instant())) {
            if (!coveredBy(broken, structural)) {
                all.add(broken);
            }
        }
        if (!all.isEmpty()) {
            throw new IngestException(subject, all);
        }
        return event;
    }

    /**
     * Renders one event as one line (no line break) of the ingest format; {@link #parse} reads it back
     * to an equal event when its amounts have scale two or more.
     */
    public String write(final LedgerEvent event) {
        final ObjectNode node = mapper.createObjectNode();
        putIfPresent(node, "eventId", event.eventId());
        node.put("type", event.kind().name());
        if (event.occurredAt() != null) {
            node.put("occurredAt", event.occurredAt().atOffset(CITY_OFFSET).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
        putIfPresent(node, "district", event.district());
        putIfPresent(node, "sector", event.sector());
        if (event.project() != null) {
            final ObjectNode project = node.putObject("project");
            project.put("id", event.project().id());
            project.put("name", event.project().name());
            project.put("company", event.project().company());
            project.put("category", event.project().category());
        }
        putAmount(node, "amount", event.amount());
        putAmount(node, "plannedWithinYear", event.plannedWithinYear());
        putIfPresent(node, "program", event.program());
        putAmount(node, "matching", event.matching());
        putIfPresent(node, "corrects", event.corrects());
        putIfPresent(node, "source", event.source());
        try {
            return mapper.writeValueAsString(node);
        } catch (final JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings could not be written as JSON", e);
        }
    }

    private static EventKind kind(final JsonNode node, final List<Violation> violations) {
        if (node == null || node.isNull()) {
            violations.add(new Violation("type", "is required"));
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation("type", "must be one of " + KINDS));
            return null;
        }
        for (final EventKind kind : EventKind.values()) {
            if (kind.name().equals(node.textValue())) {
                return kind;
            }
        }
        violations.add(new Violation("type", "unknown type '" + node.textValue() + "'; must be one of " + KINDS));
        return null;
    }

    private static Instant instant(final JsonNode node, final List<Violation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation("occurredAt", TIME_REASON));
            return null;
        }
        try {
            // an offset is required: a local time would be read in whatever zone the server runs in
            return OffsetDateTime.parse(node.textValue(), DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (final DateTimeParseException e) {
            violations.add(new Violation("occurredAt", TIME_REASON));
            return null;
        }
    }

    private static ProjectRef project(final JsonNode node, final List<Violation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(new Violation("project", "must be an object with id, name, company and category"));
            return null;
        }
        final int before = violations.size();
        final String id = requiredText(node, "id", "project.id", violations);
        final String name = requiredText(node, "name", "project.name", violations);
        final String company = requiredText(node, "company", "project.company", violations);
        final String category = requiredText(node, "category", "project.category", violations);
        rejectUnknown(node, PROJECT_FIELDS, "project.", violations);
        return violations.size() > before ? null : new ProjectRef(id, name, company, category);
    }

    private static Amount amount(final JsonNode node, final String path, final List<Violation> violations) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            violations.add(new Violation(path, "must be an object with value and currency"));
            return null;
        }
        final int before = violations.size();
        final JsonNode valueNode = node.get("value");
        BigDecimal value = null;
        if (valueNode == null || valueNode.isNull()) {
            violations.add(new Violation(path + ".value", "is required"));
        } else if (valueNode.isTextual() && DECIMAL.matcher(valueNode.textValue()).matches()) {
            value = new BigDecimal(valueNode.textValue());
        } else {
            violations.add(new Violation(path + ".value", DECIMAL_REASON));
        }
        final String currency = requiredText(node, "currency", path + ".currency", violations);
        rejectUnknown(node, AMOUNT_FIELDS, path + ".", violations);
        return violations.size() > before ? null : new Amount(value, currency);
    }

    private static String requiredText(final JsonNode parent, final String name, final String path,
                                       final List<Violation> violations) {
        final JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            violations.add(new Violation(path, "is required"));
            return null;
        }
        return text(parent, name, path, violations);
    }

    private static String text(final JsonNode parent, final String name, final String path,
                               final List<Violation> violations) {
        final JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            violations.add(new Violation(path, "must be a string"));
            return null;
        }
        return node.textValue();
    }

    private static void rejectUnknown(final JsonNode node, final Set<String> known, final String prefix,
                                      final List<Violation> violations) {
        for (final Map.Entry<String, JsonNode> field : node.properties()) {
            if (!known.contains(field.getKey())) {
                violations.add(new Violation(prefix + field.getKey(), "unknown field"));
            }
        }
    }

    /**
     * A rule broken only because the structural parse already refused the field (and left it null)
     * would tell the office the same thing twice, once wrongly ("is required" for a field it did send).
     */
    private static boolean coveredBy(final Violation broken, final List<Violation> structural) {
        for (final Violation s : structural) {
            if (s.field().equals(broken.field()) || s.field().startsWith(broken.field() + ".")
                    || broken.field().startsWith(s.field() + ".")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(final JsonProcessingException e) {
        final JsonLocation location = e.getLocation();
        final String message = e.getOriginalMessage();
        if (location == null) {
            return message;
        }
        return message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static void putIfPresent(final ObjectNode node, final String name, final String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void putAmount(final ObjectNode node, final String name, final Amount amount) {
        if (amount != null) {
            final ObjectNode child = node.putObject(name);
            child.put("value", amount.toPlainString());
            child.put("currency", amount.currency());
        }
    }
}
