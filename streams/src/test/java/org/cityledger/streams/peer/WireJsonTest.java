package org.cityledger.streams.peer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.cityledger.streams.query.InstanceInfo;
import org.cityledger.streams.query.Partials;
import org.cityledger.streams.query.PartialsRequest;
import org.cityledger.streams.query.Provenance;
import org.cityledger.streams.totals.KindTotals;
import org.cityledger.streams.totals.Totals;
import org.junit.jupiter.api.Test;

class WireJsonTest {

    @Test
    void shouldCarryTotalsPartialsWithExactDecimals() throws JsonProcessingException {
        final KindTotals funding = new KindTotals(2, Map.of("EUR", new BigDecimal("0.10000000000000000001")), Map.of());
        final Totals totals = new Totals(KindTotals.EMPTY, KindTotals.EMPTY, funding);
        final Partials<Map<String, Totals>> sent = new Partials<>(Map.of(3, Map.of("d1", totals)),
                new Provenance(Set.of("b:2", "a:1"), true, 7));

        final Partials<Map<String, Totals>> read = WireJson.readPartials(PartialsRequest.totals("", null), WireJson.writePartials(sent));

        assertThat(read).isEqualTo(sent);
    }

    @Test
    void shouldCarryAnUnknownEventAsEmpty() throws JsonProcessingException {
        assertThat(WireJson.readEvent(WireJson.writeEvent(Optional.empty()))).isEmpty();
    }

    @Test
    void shouldCarryAnInstanceDescription() throws JsonProcessingException {
        final InstanceInfo sent = new InstanceInfo("a:1", "RUNNING", List.of(0, 2), List.of(1), Map.of("totals", Map.of(1, 4L)));

        assertThat(WireJson.readInstance(WireJson.writeInstance(sent))).isEqualTo(sent);
    }

    @Test
    void shouldEncodeTheEventPathsVariableParts() {
        assertThat(WireJson.eventPath("p/1", "e?&", 4)).isEqualTo("/internal/projects/p%2F1/events/e%3F%26?partition=4");
    }
}
