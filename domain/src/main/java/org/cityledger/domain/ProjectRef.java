package org.cityledger.domain;

import java.util.Objects;

/** The project an event is about; {@code id} is its identity and the partitioning key. */
public record ProjectRef(String id, String name, String company, String category) {

    public ProjectRef {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(company, "company");
        Objects.requireNonNull(category, "category");
    }
}
