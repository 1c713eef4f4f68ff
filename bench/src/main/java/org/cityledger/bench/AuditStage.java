package org.cityledger.bench;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.Reference;
import org.cityledger.streams.LedgerNode;

/**
 * Stage 9, the auditors' pages (issue 11) over a history of at least {@code --audit-events} records
 * (topped up first): pages of 100 counted events of {@code GET /api/events} (a random slice, a random
 * range of occurrence, up to {@value #PAGES} pages following the cursors), a project's whole history
 * ({@code GET /api/projects/{p}}) and explain pages ({@code ?explain=true} on a random total, its 303
 * followed, then its cursors). p50/p99 per page on the one ledger node holding every partition; the
 * issue's target is p99 at most {@value #TARGET_P99_MILLIS} ms for a page of 100 over 1 M events.
 */
final class AuditStage {

    static final int PAGE = 100;
    static final int PAGES = 4;
    static final double TARGET_P99_MILLIS = 50;
    private static final long DAY_SECONDS = 86_400;

    private final BenchRun run;

    AuditStage(final BenchRun run) {
        this.run = run;
    }

    void run() {
        final BenchSettings settings = run.settings();
        final long added = run.topUpHistory(Stage.AUDIT, settings.offices().auditEvents(), "audit");
        final LedgerNode node = run.ensureNode(Stage.AUDIT);
        run.note(Stage.AUDIT, "letting the ledger count the history (not timed)");
        run.awaitNodeCaughtUp(Stage.AUDIT);
        final long history = run.historyRecords();
        final List<String> projects = run.countedEvents().stream().map(CountedEvent::projectId).distinct().toList();
        if (projects.isEmpty()) {
            throw new IllegalStateException("the producer stage left no counted event whose project to ask for");
        }
        final Report.Section section = run.report().section(Stage.AUDIT)
                .figure("historyRecords", history, "history", Fmt.count(history) + " records"
                        + (added > 0 ? " (" + Fmt.count(added) + " added by this stage)" : ""));
        final Map<String, Object> cases = new LinkedHashMap<>();
        measure(section, cases, node, "eventsPages", "GET /api/events, page of " + PAGE, AuditStage::eventsPage, PAGES);
        measure(section, cases, node, "projectHistory", "GET /api/projects/{p}",
                random -> "/api/projects/" + projects.get(random.nextInt(projects.size())), 1);
        measure(section, cases, node, "explainPages", "?explain=true (303 + page of " + PAGE + ")", AuditStage::explain,
                PAGES);
        final String check = run.checkTotals(Stage.AUDIT);
        section.figure("check", check, "check (totals = oracle)", check)
                .detail("cases", cases)
                .detail("clients", settings.queryClients())
                .detail("method", "closed loop, " + settings.queryClients() + " clients (LoadClient: one kept-alive "
                        + "HTTP/1.1 connection each) for " + settings.querySeconds() + " s after " + settings.queryWarmUpSeconds()
                        + " s of warm-up per case, on one ledger node holding every partition, idle otherwise. "
                        + "Events pages: district (half the time), sector (half), type (a third) and a range of "
                        + "occurrence in 2022 of 1 day to a year, all at random, limit " + PAGE + ", then up to "
                        + (PAGES - 1) + " pages by X-Next-Cursor; each page timed on its own. Project history: a "
                        + "project of the main data set's counted sample. Explain: a random total (summary, district, "
                        + "sector or cell; as of a random instant half the time) with ?explain=true, whose 303 is "
                        + "followed and timed with its page, then its cursors. A page counts when it is 200");
    }

    private void measure(final Report.Section section, final Map<String, Object> cases, final LedgerNode node,
                         final String key, final String label, final Function<SplittableRandom, String> first,
                         final int pages) {
        final BenchSettings settings = run.settings();
        run.note(Stage.AUDIT, "%s: %d clients for %d s", label, settings.queryClients(), settings.querySeconds());
        final AuditLoad.Result result = AuditLoad.run(node.httpPort(), settings.queryClients(), settings.seed() + key.hashCode(),
                first, pages, Duration.ofMillis((long) (settings.queryWarmUpSeconds() * 1000)),
                Duration.ofSeconds(settings.querySeconds()));
        final Map<String, Object> json = new LinkedHashMap<>();
        json.put("pages", result.pages());
        json.put("followedByCursor", result.followed());
        json.put("emptyPages", result.emptyPages());
        json.put("errors", result.errors());
        json.put("firstError", result.firstError());
        json.put("pagesPerSecond", Fmt.round(result.pagesPerSecond()));
        json.put("p50Millis", Fmt.round(result.millis(50)));
        json.put("p99Millis", Fmt.round(result.millis(99)));
        json.put("maxMillis", Fmt.round(result.maxMillis()));
        json.put("ledgerCpuMicrosPerPage", Fmt.round(result.ledgerCpuMicrosPerPage()));
        json.put("jitCpuSeconds", Fmt.round(result.cpu().jitNanos() / 1e9));
        cases.put(key, json);
        section.row(label, String.format(Locale.ROOT, "p50 %s  p99 %s  max %s  %s (%s by cursor); CPU %.0f µs ledger "
                        + "per page%s", Fmt.millis(result.millis(50)), Fmt.millis(result.millis(99)),
                Fmt.millis(result.maxMillis()), Fmt.rate(result.pagesPerSecond(), "pages"), Fmt.count(result.followed()),
                result.ledgerCpuMicrosPerPage(), result.errors() > 0 ? "  (" + Fmt.count(result.errors()) + " errors)" : ""));
        if (result.errors() > 0) {
            run.report().problem(String.format(Locale.ROOT, "audit %s: %d errors; first: %s", key, result.errors(),
                    result.firstError()));
        }
    }

    /** A first page of {@code /api/events}: a random slice and range of occurrence. */
    static String eventsPage(final SplittableRandom random) {
        final StringBuilder path = new StringBuilder("/api/events?limit=").append(PAGE);
        if (random.nextBoolean()) {
            path.append("&district=").append(pick(random, Reference.DISTRICTS).code());
        }
        if (random.nextBoolean()) {
            path.append("&sector=").append(pick(random, Reference.SECTORS).code());
        }
        if (random.nextInt(3) == 0) {
            path.append("&type=").append(EventKind.values()[random.nextInt(EventKind.values().length)].name());
        }
        final long yearSeconds = EventGenerator.YEAR_END.getEpochSecond() - EventGenerator.YEAR_START.getEpochSecond();
        final long length = DAY_SECONDS + random.nextLong(yearSeconds - DAY_SECONDS);
        final Instant from = EventGenerator.YEAR_START.plusSeconds(random.nextLong(yearSeconds - length + 1));
        return path.append("&from=").append(from).append("&to=").append(from.plusSeconds(length)).toString();
    }

    /** A total with {@code ?explain=true}: the summary, a district, a sector or a cell, now or as of an instant of 2022. */
    static String explain(final SplittableRandom random) {
        final String district = pick(random, Reference.DISTRICTS).code();
        final String sector = pick(random, Reference.SECTORS).code();
        final String total = switch (random.nextInt(4)) {
            case 0 -> "/api/totals/summary";
            case 1 -> "/api/totals/districts/" + district;
            case 2 -> "/api/totals/sectors/" + sector;
            default -> "/api/totals/districts/" + district + "/sectors/" + sector;
        };
        final String asOf = random.nextBoolean() ? "" : "&asOf=" + EventGenerator.YEAR_START.plusSeconds(
                random.nextLong(EventGenerator.YEAR_END.getEpochSecond() - EventGenerator.YEAR_START.getEpochSecond()));
        return total + "?explain=true" + asOf;
    }

    private static Reference.Code pick(final SplittableRandom random, final List<Reference.Code> codes) {
        return codes.get(random.nextInt(codes.size()));
    }
}
