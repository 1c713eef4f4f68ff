package org.cityledger.streams.totals;

/** One totals key and the working totals behind it. */
record Slot(String key, MutableTotals totals) {
}
