package org.cityledger.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every figure of a run, for the table and for the JSON. A figure has a JSON key with its unit in
 * the name ({@code eventsPerSecond}, {@code p99Millis}) and a display form for the table. Stages are
 * kept in their order; one that did not run says why (skipped, or the error that stopped it).
 */
final class Report {

    /** The figures of one stage. */
    static final class Section {
        private final Stage stage;
        private final Map<String, Object> json = new LinkedHashMap<>();
        private final List<String[]> rows = new ArrayList<>();

        private Section(final Stage stage) {
            this.stage = stage;
            json.put("title", stage.title());
            json.put("status", "ok");
        }

        /** A figure in both the table and the JSON. */
        Section figure(final String key, final Object value, final String label, final String display) {
            json.put(key, value instanceof Double d ? Fmt.round(d) : value);
            rows.add(new String[] {label, display});
            return this;
        }

        /** Detail for the JSON only. */
        Section detail(final String key, final Object value) {
            json.put(key, value instanceof Double d ? Fmt.round(d) : value);
            return this;
        }

        /** A line for the table only (a figure's explanation, or a case that cannot be measured yet). */
        Section row(final String label, final String display) {
            rows.add(new String[] {label, display});
            return this;
        }

        Stage stage() {
            return stage;
        }
    }

    /** One of the issue's targets, compared with what this run measured. Informational: never an exit code. */
    record Target(String name, String goal, String measured, String verdict) {
    }

    private final Map<String, Object> header = new LinkedHashMap<>();
    private final Map<Stage, Section> sections = new EnumMap<>(Stage.class);
    private final List<Target> targets = new ArrayList<>();
    private final List<String> problems = new ArrayList<>();

    void header(final String key, final Object value) {
        header.put(key, value);
    }

    Section section(final Stage stage) {
        return sections.computeIfAbsent(stage, Section::new);
    }

    boolean has(final Stage stage) {
        final Section section = sections.get(stage);
        return section != null && "ok".equals(section.json.get("status"));
    }

    Object value(final Stage stage, final String key) {
        final Section section = sections.get(stage);
        return section == null ? null : section.json.get(key);
    }

    void skipped(final Stage stage, final String reason) {
        final Section section = section(stage);
        section.json.put("status", "skipped");
        section.json.put("reason", reason);
        section.rows.add(new String[] {"skipped", reason});
    }

    void failed(final Stage stage, final Throwable error) {
        final Section section = section(stage);
        section.json.put("status", "error");
        section.json.put("error", String.valueOf(error));
        final StringWriter trace = new StringWriter();
        error.printStackTrace(new PrintWriter(trace));
        section.json.put("trace", trace.toString());
        section.rows.add(new String[] {"FAILED", String.valueOf(error)});
        problems.add(stage.key() + ": " + error);
    }

    /** A correctness check that did not hold: the run's figures are not to be trusted. */
    void problem(final String text) {
        problems.add(text);
    }

    List<String> problems() {
        return List.copyOf(problems);
    }

    void target(final Target target) {
        targets.add(target);
    }

    Map<String, Object> json() {
        final Map<String, Object> json = new LinkedHashMap<>(header);
        final Map<String, Object> stages = new LinkedHashMap<>();
        sections.forEach((stage, section) -> stages.put(stage.key(), section.json));
        json.put("stages", stages);
        final List<Map<String, Object>> goals = new ArrayList<>();
        for (final Target target : targets) {
            final Map<String, Object> goal = new LinkedHashMap<>();
            goal.put("name", target.name());
            goal.put("goal", target.goal());
            goal.put("measured", target.measured());
            goal.put("verdict", target.verdict());
            goals.add(goal);
        }
        json.put("targets", goals);
        json.put("problems", problems);
        return json;
    }

    /** The aligned table: stage, figure, value; then the targets. */
    String table() {
        final List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"#", "stage", "figure", "value"});
        for (final Section section : sections.values()) {
            boolean first = true;
            for (final String[] row : section.rows) {
                lines.add(new String[] {first ? Integer.toString(section.stage.number()) : "",
                        first ? section.stage.title() : "", row[0], row[1]});
                first = false;
            }
        }
        final StringBuilder text = new StringBuilder(aligned(lines));
        if (!targets.isEmpty()) {
            final List<String[]> goals = new ArrayList<>();
            goals.add(new String[] {"target (2 cores)", "goal", "measured", "verdict"});
            for (final Target target : targets) {
                goals.add(new String[] {target.name(), target.goal(), target.measured(), target.verdict()});
            }
            text.append(System.lineSeparator()).append(aligned(goals));
        }
        return text.toString();
    }

    private static String aligned(final List<String[]> lines) {
        final int columns = lines.get(0).length;
        final int[] widths = new int[columns];
        for (final String[] line : lines) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        final StringBuilder text = new StringBuilder();
        for (int l = 0; l < lines.size(); l++) {
            final String[] line = lines.get(l);
            final StringBuilder row = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                row.append(line[c]).append(" ".repeat(widths[c] - line[c].length()));
                if (c < columns - 1) {
                    row.append("  ");
                }
            }
            text.append(row.toString().stripTrailing()).append(System.lineSeparator());
            if (l == 0) {
                int total = 0;
                for (final int width : widths) {
                    total += width;
                }
                text.append("-".repeat(total + 2 * (columns - 1))).append(System.lineSeparator());
            }
        }
        return text.toString();
    }
}
