package org.cityledger.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cityledger.audit.LedgerApi;
import org.cityledger.audit.PartitionLog;
import org.cityledger.audit.Reconciliation;
import org.cityledger.schema.Topics;
import org.cityledger.streams.LedgerNode;

/**
 * Stage 10 (issue 11): {@code ledger audit reconcile} run in-process ({@link Reconciliation}, the audit
 * module's code the command calls) against the running ledger node, at each history size of
 * {@code --reconcile-sizes}: the history is topped up to the size and counted by the ledger first
 * (not timed), then the clock runs from the start of the reconciliation (the ledger's committed
 * offsets asked, every partition read from offset 0 with a plain read_committed consumer, every record
 * decided again, every figure compared) to its report. The target: 10 M records in at most
 * {@value #TARGET_SECONDS} s.
 */
final class ReconcileStage {

    static final double TARGET_SECONDS = 120;
    static final long TARGET_RECORDS = 10_000_000L;
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final BenchRun run;

    ReconcileStage(final BenchRun run) {
        this.run = run;
    }

    /** The sizes actually reconciled: each asked size, raised to the history there is already, once each. */
    static List<Long> plan(final List<Long> sizes, final long existing) {
        final List<Long> plan = new ArrayList<>();
        for (final long size : sizes.stream().sorted().toList()) {
            final long target = Math.max(size, existing);
            if (plan.isEmpty() || plan.get(plan.size() - 1) < target) {
                plan.add(target);
            }
        }
        return plan;
    }

    void run() {
        final LedgerNode node = run.ensureNode(Stage.RECONCILE);
        final Report.Section section = run.report().section(Stage.RECONCILE);
        final List<Map<String, Object>> runs = new ArrayList<>();
        final List<Long> plan = plan(run.settings().offices().reconcileSizes(), run.historyRecords());
        for (final long size : plan) {
            run.topUpHistory(Stage.RECONCILE, size, "reconcile" + size);
            run.note(Stage.RECONCILE, "letting the ledger count the history of %,d records (not timed)", size);
            run.awaitNodeCaughtUp(Stage.RECONCILE);
            final Map<String, Object> figures = reconcile(node);
            runs.add(figures);
            final long records = (Long) figures.get("records");
            final double seconds = (Double) figures.get("seconds");
            section.row("reconcile " + Fmt.count(records) + " records", String.format(Locale.ROOT,
                    "%s (%s); %s; CPU %s µs per record (whole JVM)", Fmt.seconds(seconds),
                    Fmt.rate(records / seconds, "records"), figures.get("result"), figures.get("processCpuMicrosPerRecord")));
            if (!"equal".equals(figures.get("result"))) {
                run.report().problem("reconcile " + records + " records: " + figures.get("result"));
            }
        }
        final Map<String, Object> last = runs.get(runs.size() - 1);
        section.figure("records", last.get("records"), "records (largest run)", Fmt.count((Long) last.get("records")))
                .figure("seconds", last.get("seconds"), "time (largest run)", Fmt.seconds((Double) last.get("seconds")))
                .detail("runs", runs)
                .detail("method", "Reconciliation.run in this JVM (what 'ledger audit reconcile' runs) against the ledger "
                        + "node's API, after the node counted the whole history; the clock covers asking the ledger "
                        + "for its committed offsets, reading " + Topics.EVENTS + " from offset 0 through them "
                        + "(read_committed), deciding every record again and comparing every figure");
    }

    private Map<String, Object> reconcile(final LedgerNode node) {
        final URI api = URI.create("http://localhost:" + node.httpPort());
        final Progress progress = Progress.of(run.out(), Stage.RECONCILE.key(), "records read", run.historyRecords());
        final long cpuFrom = OS.getProcessCpuTime();
        final long jitFrom = CpuUsage.compileMillis();
        final long start = System.nanoTime();
        final Reconciliation.Report report;
        try (PartitionLog log = new PartitionLog(run.kafka().bootstrapServers(), Topics.EVENTS, run.kafka().clientProperties())) {
            report = new Reconciliation(log, new LedgerApi(api, null), run.nodeConfig().eventRules())
                    .run((read, total) -> progress.update(read));
        } catch (final IOException e) {
            throw new IllegalStateException("reconcile could not ask the ledger at " + api + ": " + e.getMessage(), e);
        } catch (final InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reconciling", e);
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        final long cpu = OS.getProcessCpuTime() - cpuFrom;
        final Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("records", report.records());
        figures.put("seconds", Fmt.round(seconds));
        figures.put("recordsPerSecond", Fmt.round(report.records() / seconds));
        figures.put("result", report.equal() ? "equal" : report.differences().size() + " figures differ, first: "
                + report.differences().get(0));
        figures.put("figuresCompared", report.figures());
        figures.put("deadLetters", report.deadLetters());
        figures.put("processCpuMicrosPerRecord", Fmt.round(cpu / 1e3 / Math.max(1, report.records())));
        figures.put("jitCompileSeconds", Fmt.round((CpuUsage.compileMillis() - jitFrom) / 1e3));
        return figures;
    }
}
