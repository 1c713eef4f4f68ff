package org.cityledger.streams.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ContentType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API described: {@code GET /api/openapi.json} (the hand-written OpenAPI 3.0 document,
 * {@value #RESOURCE}), {@code GET /api/docs} (the same as a web page) and {@code GET /} (to the page).
 * The page is rendered on the server from the document, once, with no script and nothing fetched
 * from elsewhere: it must work where the network is closed.
 */
final class ApiDocs {

    static final String RESOURCE = "/openapi/openapi.json";

    /**
     * Every path the document describes. A route the server registers that is missing here is an
     * undocumented endpoint; the tests hold this list, the document and the server's routes equal.
     */
    static final List<String> DOCUMENTED_PATHS = List.of(
            "/api/totals/summary",
            "/api/totals/districts",
            "/api/totals/districts/{district}",
            "/api/totals/sectors",
            "/api/totals/sectors/{sector}",
            "/api/totals/districts/{district}/sectors/{sector}",
            "/api/totals/check",
            "/api/dead-letters",
            "/api/projects/{project}/events/{event}",
            "/api/projects/{project}",
            "/api/events",
            "/api/verdicts",
            "/api/events/{event}/verdict",
            "/api/audit/partitions",
            "/api/reference/districts",
            "/api/reference/sectors",
            "/api/instances",
            "/metrics",
            "/api/openapi.json",
            "/api/docs",
            "/",
            "/api/stream",
            "/internal/partials",
            "/internal/projects/{project}/events/{event}",
            "/internal/projects/{project}/facts",
            "/internal/verdicts",
            "/internal/events",
            "/internal/instance");

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern STRONG = Pattern.compile("\\*\\*([^*]+)\\*\\*");

    private ApiDocs() {
    }

    static void register(final JavalinConfig config) {
        final byte[] json = load();
        final String html = page(parse(json));
        config.routes.get("/api/openapi.json", ctx -> ctx.contentType(ContentType.APPLICATION_JSON).result(json));
        config.routes.get("/api/docs", ctx -> ctx.html(html));
    }

    /** The document's bytes, as shipped. */
    static byte[] load() {
        try (InputStream in = ApiDocs.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the OpenAPI document " + RESOURCE + " is missing from the classpath");
            }
            return in.readAllBytes();
        } catch (final IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    private static JsonNode parse(final byte[] json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (final IOException e) {
            // a broken document should stop the server at start, not answer 500 to the first reader
            throw new IllegalStateException(RESOURCE + " is not valid JSON", e);
        }
    }

    // ---- the page ------------------------------------------------------------------------------

    static String page(final JsonNode api) {
        final StringBuilder out = new StringBuilder(64 * 1024);
        final JsonNode info = api.path("info");
        final String title = info.path("title").asText("API");
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<title>").append(escape(title)).append("</title>\n<style>").append(STYLE).append("</style></head>\n<body>\n")
                .append("<h1>").append(escape(title)).append(" <small>").append(escape(info.path("version").asText()))
                .append(" · OpenAPI ").append(escape(api.path("openapi").asText())).append("</small></h1>\n")
                .append(prose(info.path("description").asText()))
                .append("<p>Machine-readable: <a href=\"/api/openapi.json\"><code>/api/openapi.json</code></a></p>\n");
        final Map<String, List<Operation>> byTag = operations(api);
        out.append("<nav><h2>Endpoints</h2>\n");
        byTag.forEach((tag, operations) -> {
            out.append("<h3>").append(escape(tag)).append("</h3><ul>\n");
            operations.forEach(op -> out.append("<li><a href=\"#").append(op.anchor()).append("\"><span class=\"m\">")
                    .append(op.method().toUpperCase(Locale.ROOT)).append("</span> <code>").append(escape(op.path()))
                    .append("</code></a> ").append(escape(op.node().path("summary").asText())).append("</li>\n"));
            out.append("</ul>\n");
        });
        out.append("<h3>schemas</h3><ul>\n");
        api.path("components").path("schemas").properties().forEach(schema -> out.append("<li><a href=\"#schema-")
                .append(escape(schema.getKey())).append("\">").append(escape(schema.getKey())).append("</a></li>\n"));
        out.append("</ul></nav>\n<main>\n");
        byTag.values().forEach(operations -> operations.forEach(op -> operation(out, api, op)));
        out.append("<h2>Schemas</h2>\n");
        api.path("components").path("schemas").properties().forEach(schema -> schema(out, schema.getKey(), schema.getValue()));
        return out.append("</main>\n</body></html>\n").toString();
    }

    private record Operation(String tag, String path, String method, JsonNode node) {

        String anchor() {
            final String id = node.path("operationId").asText("");
            return id.isEmpty() ? (method + path).replaceAll("[^A-Za-z0-9]", "-") : id;
        }
    }

    /** Operations grouped by their first tag, tags in the document's order. */
    private static Map<String, List<Operation>> operations(final JsonNode api) {
        final Map<String, List<Operation>> byTag = new LinkedHashMap<>();
        api.path("tags").forEach(tag -> byTag.put(tag.path("name").asText(), new ArrayList<>()));
        for (final Map.Entry<String, JsonNode> path : api.path("paths").properties()) {
            for (final Map.Entry<String, JsonNode> method : path.getValue().properties()) {
                final String tag = method.getValue().path("tags").path(0).asText("other");
                byTag.computeIfAbsent(tag, t -> new ArrayList<>())
                        .add(new Operation(tag, path.getKey(), method.getKey(), method.getValue()));
            }
        }
        byTag.values().removeIf(List::isEmpty);
        return byTag;
    }

    private static void operation(final StringBuilder out, final JsonNode api, final Operation op) {
        final JsonNode node = op.node();
        out.append("<section id=\"").append(op.anchor()).append("\"><h2><span class=\"m\">")
                .append(op.method().toUpperCase(Locale.ROOT)).append("</span> <code>").append(escape(op.path())).append("</code>");
        if ("get".equals(op.method()) && !op.path().contains("{")) {
            out.append(" <a class=\"try\" href=\"").append(escape(op.path())).append("\">open</a>");
        }
        out.append("</h2>\n<p><strong>").append(escape(node.path("summary").asText())).append("</strong></p>\n")
                .append(prose(node.path("description").asText()));
        if (node.path("parameters").size() > 0) {
            out.append("<h4>Parameters</h4>\n<table><tr><th>name</th><th>in</th><th>type</th><th>description</th></tr>\n");
            node.path("parameters").forEach(ref -> {
                final JsonNode p = resolve(api, ref);
                out.append("<tr><td><code>").append(escape(p.path("name").asText())).append("</code>")
                        .append(p.path("required").asBoolean() ? " <em>required</em>" : "").append("</td><td>")
                        .append(escape(p.path("in").asText())).append("</td><td>").append(type(p.path("schema")))
                        .append(p.has("example") ? "<br>e.g. <code>" + escape(p.path("example").asText()) + "</code>" : "")
                        .append("</td><td>").append(inline(p.path("description").asText())).append("</td></tr>\n");
            });
            out.append("</table>\n");
        }
        out.append("<h4>Responses</h4>\n<table><tr><th>status</th><th>description</th><th>body</th><th>headers</th></tr>\n");
        for (final Map.Entry<String, JsonNode> response : node.path("responses").properties()) {
            final JsonNode r = resolve(api, response.getValue());
            out.append("<tr><td><code>").append(escape(response.getKey())).append("</code></td><td>")
                    .append(inline(r.path("description").asText())).append("</td><td>");
            r.path("content").properties().forEach(content -> out.append("<code>").append(escape(content.getKey()))
                    .append("</code> ").append(type(content.getValue().path("schema"))).append("<br>"));
            out.append("</td><td>");
            r.path("headers").properties().forEach(header -> out.append("<code>").append(escape(header.getKey()))
                    .append("</code>: ").append(inline(resolve(api, header.getValue()).path("description").asText())).append("<br>"));
            out.append("</td></tr>\n");
        }
        out.append("</table></section>\n");
    }

    private static void schema(final StringBuilder out, final String name, final JsonNode schema) {
        out.append("<section id=\"schema-").append(escape(name)).append("\"><h3>").append(escape(name)).append("</h3>\n")
                .append(prose(schema.path("description").asText()));
        final List<JsonNode> parts = new ArrayList<>();
        if (schema.has("allOf")) {
            out.append("<p>All of: ");
            schema.path("allOf").forEach(part -> {
                if (part.has("$ref")) {
                    out.append(type(part)).append(" ");
                } else {
                    parts.add(part);
                }
            });
            out.append(parts.isEmpty() ? "" : "and:").append("</p>\n");
        } else {
            parts.add(schema);
        }
        for (final JsonNode part : parts) {
            if (!part.has("properties")) {
                out.append("<p>").append(type(part)).append("</p>\n");
                continue;
            }
            final List<String> required = new ArrayList<>();
            part.path("required").forEach(r -> required.add(r.asText()));
            out.append("<table><tr><th>property</th><th>type</th><th>description</th></tr>\n");
            part.path("properties").properties().forEach(property -> out.append("<tr><td><code>")
                    .append(escape(property.getKey())).append("</code>")
                    .append(required.contains(property.getKey()) ? "" : " <em>optional</em>").append("</td><td>")
                    .append(type(property.getValue())).append("</td><td>")
                    .append(inline(property.getValue().path("description").asText())).append("</td></tr>\n"));
            out.append("</table>\n");
        }
        out.append("</section>\n");
    }

    /** A schema in a few words: a link for a reference, else its type and constraints. */
    private static String type(final JsonNode schema) {
        if (schema.isMissingNode()) {
            return "";
        }
        if (schema.has("$ref")) {
            final String ref = schema.path("$ref").asText();
            final String name = ref.substring(ref.lastIndexOf('/') + 1);
            return "<a href=\"#schema-" + escape(name) + "\">" + escape(name) + "</a>";
        }
        if (schema.has("allOf")) {
            final List<String> parts = new ArrayList<>();
            schema.path("allOf").forEach(part -> parts.add(type(part)));
            return String.join(" + ", parts);
        }
        final String type = schema.path("type").asText("any");
        final StringBuilder out = new StringBuilder();
        if ("array".equals(type)) {
            out.append("array of ").append(type(schema.path("items")));
        } else if ("object".equals(type) && schema.path("additionalProperties").isObject()) {
            out.append("map of string to ").append(type(schema.path("additionalProperties")));
        } else {
            out.append(escape(type));
            if (schema.has("format")) {
                out.append(" (").append(escape(schema.path("format").asText())).append(')');
            }
        }
        final List<String> notes = new ArrayList<>();
        if (schema.has("pattern")) {
            notes.add("matching <code>" + escape(schema.path("pattern").asText()) + "</code>");
        }
        if (schema.has("minimum")) {
            notes.add("≥ " + escape(schema.path("minimum").asText()));
        }
        if (schema.has("maximum")) {
            notes.add("≤ " + escape(schema.path("maximum").asText()));
        }
        if (schema.has("default")) {
            notes.add("default " + escape(schema.path("default").asText()));
        }
        if (schema.has("enum")) {
            final List<String> values = new ArrayList<>();
            schema.path("enum").forEach(v -> values.add("<code>" + escape(v.asText()) + "</code>"));
            notes.add("one of " + String.join(", ", values));
        }
        if (schema.path("nullable").asBoolean()) {
            notes.add("or null");
        }
        if (!notes.isEmpty()) {
            out.append(", ").append(String.join(", ", notes));
        }
        return out.toString();
    }

    /** A parameter or response given as {@code $ref} to the components, looked up; else itself. */
    private static JsonNode resolve(final JsonNode api, final JsonNode node) {
        final String ref = node.path("$ref").asText("");
        return ref.startsWith("#/") ? api.at(ref.substring(1)) : node;
    }

    /** The descriptions' little markdown: paragraphs, "- " lists, `code` and **bold**. */
    private static String prose(final String text) {
        if (text.isBlank()) {
            return "";
        }
        final StringBuilder out = new StringBuilder();
        for (final String paragraph : text.split("\n\n")) {
            if (paragraph.startsWith("- ")) {
                out.append("<ul>");
                for (final String item : paragraph.split("\n")) {
                    out.append("<li>").append(inline(item.replaceFirst("^- ", ""))).append("</li>");
                }
                out.append("</ul>\n");
            } else {
                out.append("<p>").append(inline(paragraph)).append("</p>\n");
            }
        }
        return out.toString();
    }

    private static String inline(final String text) {
        final String escaped = escape(text);
        final Matcher code = CODE.matcher(escaped);
        final String coded = code.replaceAll(m -> Matcher.quoteReplacement("<code>" + m.group(1) + "</code>"));
        return STRONG.matcher(coded).replaceAll(m -> Matcher.quoteReplacement("<strong>" + m.group(1) + "</strong>"));
    }

    private static String escape(final String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final String STYLE = """
            body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:70em;padding:1em 2em;color:#222}
            h1 small{font-size:55%;color:#666;font-weight:normal}
            nav{background:#f6f8fa;padding:.5em 1.5em;border-radius:6px}
            nav ul{margin:.2em 0;padding-left:1.2em}nav h3{margin:.6em 0 0}
            section{border-top:1px solid #ddd;margin-top:1.5em}
            code{font:13px ui-monospace,monospace;background:#f3f3f3;padding:0 .2em;border-radius:3px}
            .m{font:bold 12px ui-monospace,monospace;background:#1f6feb;color:#fff;padding:.1em .4em;border-radius:3px}
            .try{font-size:13px;font-weight:normal;margin-left:.5em}
            table{border-collapse:collapse;width:100%;margin:.5em 0}
            th,td{border:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
            th{background:#f6f8fa}
            """;
}
