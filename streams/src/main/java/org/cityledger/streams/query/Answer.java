package org.cityledger.streams.query;

import java.util.function.Function;

/** A value and where it came from. */
public record Answer<T>(T value, Provenance provenance) {

    public <U> Answer<U> map(final Function<T, U> mapper) {
        return new Answer<>(mapper.apply(value), provenance);
    }
}
