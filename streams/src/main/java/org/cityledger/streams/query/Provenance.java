package org.cityledger.streams.query;

import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * Where an answer came from: the instances that contributed, and whether any part of it was read
 * from a standby replica (stale) and how far that replica lagged.
 */
public record Provenance(Set<String> instances, boolean stale, long maxLag) {

    /** Instances are kept sorted, so that they are listed (e.g. in X-Ledger-Instance) the same way every time. */
    public Provenance {
        instances = Collections.unmodifiableSortedSet(new TreeSet<>(instances));
    }

    public static Provenance of(final String instance) {
        return new Provenance(Set.of(instance), false, 0);
    }

    public Provenance plus(final Provenance other) {
        final Set<String> all = new TreeSet<>(instances);
        all.addAll(other.instances);
        return new Provenance(all, stale || other.stale, Math.max(maxLag, other.maxLag));
    }
}
