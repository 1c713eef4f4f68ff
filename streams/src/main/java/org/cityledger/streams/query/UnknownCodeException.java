package org.cityledger.streams.query;

/** A district or sector code that is not in the city's reference lists. */
public final class UnknownCodeException extends RuntimeException {

    private final String field;
    private final String code;

    public UnknownCodeException(final String field, final String code) {
        super("unknown " + field + " '" + code + "'");
        this.field = field;
        this.code = code;
    }

    public String field() {
        return field;
    }

    public String code() {
        return code;
    }
}
