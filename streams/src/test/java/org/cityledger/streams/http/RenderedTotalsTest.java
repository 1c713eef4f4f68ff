package org.cityledger.streams.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.cityledger.streams.query.Slice;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.Test;

class RenderedTotalsTest {

    private static final RenderedTotals.Key SUMMARY = new RenderedTotals.Key("summary", null, null);

    private final AtomicInteger renders = new AtomicInteger();
    private final RenderedTotals rendered = new RenderedTotals(slices -> {
        renders.incrementAndGet();
        return (slices.get(0).totals().events() + " events").getBytes(StandardCharsets.UTF_8);
    });

    private static Totals totals(final long signings) {
        return new Totals(new KindTotals(signings, Map.of("CNY", BigDecimal.valueOf(signings)), Map.of()), KindTotals.EMPTY,
                KindTotals.EMPTY);
    }

    private static String text(final byte[] json) {
        return new String(json, StandardCharsets.UTF_8);
    }

    @Test
    void shouldRenderTheSameTotalsOnce() {
        final Totals snapshot = totals(3);

        final byte[] first = rendered.json(SUMMARY, List.of(new Slice(null, null, snapshot)));
        final byte[] second = rendered.json(SUMMARY, List.of(new Slice(null, null, snapshot)));

        assertThat(second).isSameAs(first);
        assertThat(renders).hasValue(1);
    }

    @Test
    void shouldRenderAgainWhenTheTotalsAreOtherObjects() {
        rendered.json(SUMMARY, List.of(new Slice(null, null, totals(3))));

        // equal content, gathered afresh: identity decides, so nothing rendered from other objects is ever served
        final byte[] again = rendered.json(SUMMARY, List.of(new Slice(null, null, totals(3))));
        final byte[] moved = rendered.json(SUMMARY, List.of(new Slice(null, null, totals(4))));

        assertThat(text(again)).isEqualTo("3 events");
        assertThat(text(moved)).isEqualTo("4 events");
        assertThat(renders).hasValue(3);
    }

    @Test
    void shouldKeepOneRenderingPerQuestion() {
        final Totals shared = totals(5);
        final RenderedTotals.Key kunshan = new RenderedTotals.Key("district", "kunshan", null);
        final RenderedTotals.Key sip = new RenderedTotals.Key("district", "sip", null);

        rendered.json(kunshan, List.of(new Slice("kunshan", null, shared)));
        rendered.json(sip, List.of(new Slice("sip", null, shared)));
        rendered.json(kunshan, List.of(new Slice("kunshan", null, totals(6))));
        rendered.json(kunshan, List.of(new Slice("kunshan", null, totals(7))));

        assertThat(rendered.kept()).isEqualTo(2);
        assertThat(renders).hasValue(4);
    }

    @Test
    void shouldRenderAListAgainWhenAnyOfItsTotalsChanged() {
        final RenderedTotals.Key districts = new RenderedTotals.Key("districts", null, null);
        final Totals a = totals(1);
        final Totals b = totals(2);

        rendered.json(districts, List.of(new Slice("kunshan", null, a), new Slice("sip", null, b)));
        rendered.json(districts, List.of(new Slice("kunshan", null, a), new Slice("sip", null, b)));
        rendered.json(districts, List.of(new Slice("kunshan", null, a), new Slice("sip", null, totals(2))));

        assertThat(renders).hasValue(2);
    }
}
