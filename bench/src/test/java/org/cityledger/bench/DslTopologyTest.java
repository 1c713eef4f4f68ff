package org.cityledger.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TopologyDescription;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.junit.jupiter.api.Test;

class DslTopologyTest {

    @Test
    void shouldKeepTheSumsExactThroughItsSerde() {
        final DslTopology.Sums sums = new DslTopology.Sums()
                .add(funding("e1", "123456789012345.6789", "0.0001"))
                .add(funding("e2", "0.0001", "1.10"));
        final DslTopology.SumsSerde serde = new DslTopology.SumsSerde();

        final DslTopology.Sums back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", sums));

        final Map<String, PeerTotals.Sums> figures = new TreeMap<>();
        back.into("kunshan", figures);
        assertThat(figures).containsOnlyKeys("kunshan/FUNDING/CNY");
        assertThat(figures.get("kunshan/FUNDING/CNY").events()).isEqualTo(2);
        assertThat(figures.get("kunshan/FUNDING/CNY").amount()).isEqualTo("123456789012345.6790");
        assertThat(figures.get("kunshan/FUNDING/CNY").extra()).isEqualByComparingTo("1.1001");
    }

    @Test
    void shouldRepartitionOncePerGroupingThroughNamedTopics() {
        final TopologyDescription description = DslTopology.build().describe();

        final String text = description.toString();
        for (final DslTopology.Grouping grouping : DslTopology.groupings()) {
            assertThat(text).contains(grouping.repartition() + "-repartition").contains(grouping.store());
        }
        // one sub-topology decoding and repartitioning, one per grouping aggregating
        assertThat(description.subtopologies()).hasSize(1 + DslTopology.groupings().size());
    }

    private static LedgerEvent funding(final String id, final String grant, final String matching) {
        return LedgerEvent.builder(EventKind.FUNDING).eventId(id).occurredAt(Instant.parse("2022-03-01T00:00:00Z"))
                .district("kunshan").sector("biomedicine").project(new ProjectRef("p-" + id, "Project", "Company", "category"))
                .amount(Amount.of(grant, "CNY")).program("open-competition").matching(Amount.of(matching, "CNY"))
                .source("office:kunshan").build();
    }
}
