package org.cityledger.bench;

import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The stages of a run, in the order they run and are reported. The numbers are the stages' names
 * and stay as they were when stages were added: 9-12 run between 6 and 7, on the history stages 1-6
 * left (the audit pages and the reconciliation first, so that a reconciled size is the history the
 * main data set and the latency stage wrote, before the offices add to it); 13 (the flood of foreign
 * records) after them, before 7; 14 (the secured path, on a broker of its own) last; 15 and 16 (the
 * ledger's peers: what a user would write instead) right after 4, on the same records.
 */
enum Stage {
    PRODUCER(1, "producer ceiling"),
    CONSUMER(2, "consumer ceiling"),
    STREAMS(3, "Streams EOS ceiling (bare sum)"),
    LEDGER(4, "ledger topology (dedupe, rules, all totals)"),
    POSTGRES(15, "peer: consumer -> PostgreSQL, exactly-once"),
    DSL(16, "peer: the obvious Streams DSL (3 x groupBy + aggregate)"),
    LATENCY(5, "produce -> visible latency"),
    QUERY(6, "query latency over HTTP"),
    AUDIT(9, "audit pages: events, project history, explain"),
    RECONCILE(10, "reconcile the log against the ledger"),
    INGEST(11, "HTTP ingest by district offices"),
    PUBLISH(12, "a file through the API vs straight to Kafka"),
    REPLAY(7, "replay from offset 0"),
    MEMORY(8, "peak heap and RSS"),
    FLOOD(13, "a flood of foreign records (dead letters, heap)"),
    SECURED(14, "secured path (TLS + SCRAM + inbox stage)");

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

    /** Every stage but {@code wanted} and the producer stage (which writes the data every other stage reads). */
    static Set<Stage> allBut(final Collection<Stage> wanted) {
        final Set<Stage> others = EnumSet.allOf(Stage.class);
        others.removeAll(wanted);
        others.remove(PRODUCER);
        return others;
    }

    /** By name ("ledger") or number ("4"). */
    static Stage parse(final String text) {
        final String wanted = text.trim().toLowerCase(Locale.ROOT);
        for (final Stage stage : values()) {
            if (stage.key().equals(wanted) || Integer.toString(stage.number).equals(wanted)) {
                return stage;
            }
        }
        throw new IllegalArgumentException("unknown stage '" + text + "'; stages are 1-16 or "
                + String.join(", ", Arrays.stream(values()).map(Stage::key).toList()));
    }
}
