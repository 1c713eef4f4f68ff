package org.cityledger.streams.query;

import java.util.HashMap;
import java.util.Map;
import org.cityledger.streams.totals.Totals;

/**
 * Where the totals come from: the partial totals of every partition, already added up per key.
 * The production source fans out through the {@link Router}; tests of the service use a map.
 */
@FunctionalInterface
public interface PartialTotalsSource {

    /**
     * @param prefix key prefix of the slices wanted ("" for all)
     * @param ask    as of when; how stale a standby may be
     * @return per key, the sum over all partitions, and where it came from
     * @throws QueryUnavailableException when any partition cannot be read
     */
    Answer<Map<String, Totals>> totals(String prefix, Ask ask);

    /** The source over the ledger's totals store in every partition, on whichever instance holds it. */
    static PartialTotalsSource of(final Router router) {
        return (prefix, ask) -> {
            final PartialsRequest<Map<String, Totals>> request = PartialsRequest.totals(prefix, ask.asOf() == null ? null : ask.asOf().toEpochMilli());
            return router.gather(request, ask.maxLag()).map(partials -> {
                final Map<String, Totals> sum = new HashMap<>();
                for (final Map<String, Totals> partial : partials) {
                    partial.forEach((key, totals) -> sum.merge(key, totals, Totals::plus));
                }
                return sum;
            });
        };
    }
}
