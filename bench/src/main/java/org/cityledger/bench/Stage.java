package org.cityledger.bench;

import java.util.Arrays;
import java.util.Locale;

/** The stages of a run, in the order they run and are reported. */
enum Stage {
    PRODUCER(1, "producer ceiling"),
    CONSUMER(2, "consumer ceiling"),
    STREAMS(3, "Streams EOS ceiling (bare sum)"),
    LEDGER(4, "ledger topology (dedupe, rules, all totals)"),
    LATENCY(5, "produce -> visible latency"),
    QUERY(6, "query latency over HTTP"),
    REPLAY(7, "replay from offset 0"),
    MEMORY(8, "peak heap and RSS"),
    FLOOD(9, "a flood of foreign records (dead letters, heap)"),
    SECURED(10, "secured path (TLS + SCRAM + inbox stage)");

    private final int number;
    private final String title;

    Stage(final int number, final String title) {
        this.number = number;
        this.title = title;
    }

    int number() {
        return number;
    }

    String title() {
        return title;
    }

    /** The key in the JSON and the name for {@code --skip}. */
    String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** By name ("ledger") or number ("4"). */
    static Stage parse(final String text) {
        final String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (final Stage stage : values()) {
            if (stage.key().equals(wanted) || Integer.toString(stage.number).equals(wanted)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + text + "'; stages are 1-10 or "
                + String.join(", ", Arrays.stream(values()).map(Stage::key).toList()));
    }
}
