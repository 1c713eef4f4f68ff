package org.cityledger.streams.http;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.cityledger.streams.query.CommittedSnapshots;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.totals.Totals;

/**
 * The JSON of the last answer to each totals question, served again while the answer's totals are
 * the very same objects. Between two commits every answer comes from one committed snapshot
 * ({@link CommittedSnapshots}), so a dashboard wall asking the same few questions gets the same
 * {@link Totals} instances each time; rendering them (decimal strings, nested objects, Jackson) was
 * then most of a request's CPU: the harness's query stage had every district at 139 µs of ledger
 * CPU per request against 58 µs for the summary, one slice instead of ten.
 *
 * <p>Totals are immutable, so the same instances always render to the same JSON: a kept rendering
 * can only be served for the answer it was made from. An answer gathered afresh (another
 * instance's partitions, a stale part, a commit in between) has new instances and is rendered
 * again, and then kept in place of the old one. One entry per question, and questions are bounded
 * by the reference codes ({@link Key}); as-of answers and pages are rendered every time.
 */
final class RenderedTotals {

    /** A question whose answer is kept: which endpoint, and the codes its answer is about. */
    record Key(String endpoint, String district, String sector) {
    }

    private record Rendered(List<Totals> from, byte[] json) {
    }

    private final Map<Key, Rendered> last = new ConcurrentHashMap<>();
    private final Function<List<Slice>, byte[]> render;

    /**
     * @param render the JSON of an answer's slices: the whole JSON document the endpoint serves
     */
    RenderedTotals(final Function<List<Slice>, byte[]> render) {
        this.render = render;
    }

    /** The JSON of {@code answer}, rendered once for as long as the same totals answer {@code question}. */
    byte[] json(final Key question, final List<Slice> answer) {
        final Rendered known = last.get(question);
        if (known != null && sameTotals(known.from(), answer)) {
            return known.json();
        }
        final byte[] json = render.apply(answer);
        last.put(question, new Rendered(answer.stream().map(Slice::totals).toList(), json));
        return json;
    }

    /** How many questions have a rendering kept: bounded by the questions the reference codes allow. */
    int kept() {
        return last.size();
    }

    private static boolean sameTotals(final List<Totals> from, final List<Slice> answer) {
        if (from.size() != answer.size()) {
            return false;
        }
        for (int i = 0; i < from.size(); i++) {
            // identity, not equality: equal totals are as good, but comparing them costs what rendering does
            if (from.get(i) != answer.get(i).totals()) {
                return false;
            }
        }
        return true;
    }
}
