package org.cityledger.producers;

import java.util.List;
import org.cityledger.domain.Violation;

/**
 * One of the ways a file's checked events reach the ledger: straight to Kafka ({@link KafkaDelivery},
 * for the city's operators) or through a running ledger's HTTP API as an office ({@link ApiDelivery}).
 * Used once: {@link #begin}, {@link #send} batch after batch, {@link #finish}, {@link #close}. The
 * sending thread calls these; a delivery may work on its own threads in between.
 */
public interface EventDelivery extends AutoCloseable {

    /**
     * @param total       good events the file will send, for progress
     * @param skipInvalid whether a batch the ledger refuses in part ({@code 422}) is sent again without
     *                    the lines at fault (told to {@code listener}), or sending stops there
     * @param listener    told of progress and of lines the ledger refused; on any thread
     */
    void begin(long total, boolean skipInvalid, Listener listener);

    /**
     * Hands over one batch of good records; may return before the ledger acknowledged it, and blocks
     * while too much is still on its way, so memory stays bounded however long the file.
     */
    void send(List<FileRecord> batch);

    /** True once sending cannot go on (no access, unreachable, or lines the ledger refused): stop reading. */
    boolean stopped();

    /** Waits for every acknowledgement and for the ledger's verdicts (within the delivery's limits). */
    DeliveryReport finish();

    @Override
    void close();

    /** What a delivery tells the file publisher as it goes. */
    interface Listener {

        /** {@code done} of {@code total} events acknowledged so far. */
        void onProgress(long done, long total);

        /** The ledger refused {@code record} though the local check passed it. */
        void onRefusedByLedger(FileRecord record, List<Violation> reasons);
    }
}
