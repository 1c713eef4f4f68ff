package org.cityledger.streams.query;

import org.cityledger.streams.totals.Totals;

/** Totals of one slice of the city: a district, a sector, both, or neither (the city-wide summary). */
public record Slice(String district, String sector, Totals totals) {
}
