package org.cityledger.schema;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.message.SchemaStore;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.util.ClassSecurityValidator;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.events.FundingEvent;
import org.cityledger.events.GroundbreakingEvent;
import org.cityledger.events.Money;
import org.cityledger.events.Project;
import org.cityledger.events.SigningEvent;

/**
 * Avro single-object encoding of ledger events (header {@code C3 01}, the writer schema's 8-byte
 * CRC-64-AVRO fingerprint, then the binary body). One topic carries all three kinds: the
 * fingerprint says which record it is and which version wrote it, so no schema registry server is
 * needed. Thread-safe: Avro's message encoders and decoders keep their buffers per thread.
 */
public final class EventCodec {

    private static final byte MAGIC_0 = (byte) 0xC3;
    private static final byte MAGIC_1 = (byte) 0x01;
    private static final int HEADER_LENGTH = 10;

    private final BinaryMessageEncoder<SigningEvent> signingEncoder;
    private final BinaryMessageEncoder<GroundbreakingEvent> groundbreakingEncoder;
    private final BinaryMessageEncoder<FundingEvent> fundingEncoder;
    private final Map<Long, BinaryMessageDecoder<? extends SpecificRecord>> decoderByFingerprint = new HashMap<>();

    public EventCodec() {
        trustEventRecords();
        final SpecificData model = SpecificData.getForClass(SigningEvent.class);
        signingEncoder = new BinaryMessageEncoder<>(model, SigningEvent.getClassSchema());
        groundbreakingEncoder = new BinaryMessageEncoder<>(model, GroundbreakingEvent.getClassSchema());
        fundingEncoder = new BinaryMessageEncoder<>(model, FundingEvent.getClassSchema());

        final List<SchemaHistory.Version> history = SchemaHistory.load();
        final SchemaStore.Cache store = new SchemaStore.Cache();
        history.forEach(v -> store.addSchema(v.schema()));
        final Map<String, BinaryMessageDecoder<? extends SpecificRecord>> decoderByRecord = Map.of(
                SigningEvent.getClassSchema().getFullName(), decoder(model, SigningEvent.getClassSchema(), store),
                GroundbreakingEvent.getClassSchema().getFullName(), decoder(model, GroundbreakingEvent.getClassSchema(), store),
                FundingEvent.getClassSchema().getFullName(), decoder(model, FundingEvent.getClassSchema(), store));
        for (final SchemaHistory.Version version : history) {
            final BinaryMessageDecoder<? extends SpecificRecord> decoder = decoderByRecord.get(version.schema().getFullName());
            if (decoder == null) {
                throw new IllegalStateException("schema history holds " + version.schema().getFullName()
                        + ", which this build has no class for");
            }
            decoderByFingerprint.put(version.fingerprint(), decoder);
        }
    }

    /**
     * Avro refuses to instantiate classes it has not been told to trust (its defence against
     * deserialization gadgets). Our generated records are the only classes a ledger event decodes
     * into, so exactly those are added to whatever the process already trusts.
     */
    private static synchronized void trustEventRecords() {
        final ClassSecurityValidator.ClassSecurityPredicate current = ClassSecurityValidator.getGlobal();
        if (current.isTrusted(SigningEvent.class)) {
            return;
        }
        final ClassSecurityValidator.ClassSecurityPredicate ours = ClassSecurityValidator.builder()
                .add(SigningEvent.class).add(GroundbreakingEvent.class).add(FundingEvent.class)
                .add(Project.class).add(Money.class).build();
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(current, ours));
    }

    private static <T extends SpecificRecord> BinaryMessageDecoder<T> decoder(final SpecificData model, final Schema readSchema,
                                                                           final SchemaStore store) {
        return new BinaryMessageDecoder<>(model, readSchema, store);
    }

    public byte[] encode(final LedgerEvent event) {
        try {
            final ByteBuffer buffer = switch (event.kind()) {
                case SIGNING -> signingEncoder.encode(toSigning(event));
                case GROUNDBREAKING -> groundbreakingEncoder.encode(toGroundbreaking(event));
                case FUNDING -> fundingEncoder.encode(toFunding(event));
            };
            final byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            return bytes;
        } catch (final IOException | AvroRuntimeException | ArithmeticException e) {
            throw new IllegalArgumentException("event " + event.eventId() + " cannot be encoded: " + e.getMessage(), e);
        }
    }

    /**
     * @throws UnreadableEventException with the reason when the bytes are not a ledger event
     */
    public LedgerEvent decode(final byte[] bytes) {
        if (bytes == null || bytes.length < HEADER_LENGTH || bytes[0] != MAGIC_0 || bytes[1] != MAGIC_1) {
            throw new UnreadableEventException("not an Avro single-object encoded record (bad or missing header)");
        }
        final long fingerprint = ByteBuffer.wrap(bytes, 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        final BinaryMessageDecoder<? extends SpecificRecord> decoder = decoderByFingerprint.get(fingerprint);
        if (decoder == null) {
            throw new UnreadableEventException("unknown writer schema fingerprint " + Long.toHexString(fingerprint));
        }
        final SpecificRecord record;
        try {
            record = decoder.decode(bytes);
        } catch (final IOException | RuntimeException e) {
            throw new UnreadableEventException("corrupt Avro body: " + e.getMessage(), e);
        }
        return fromAvro(record);
    }

    static LedgerEvent fromAvro(final SpecificRecord record) {
        if (record instanceof SigningEvent e) {
            return LedgerEvent.builder(EventKind.SIGNING).eventId(e.getEventId()).occurredAt(e.getOccurredAt())
                    .district(e.getDistrict()).sector(e.getSector()).project(project(e.getProject()))
                    .amount(amount(e.getAmount())).corrects(e.getCorrects()).source(e.getSource()).build();
        }
        if (record instanceof GroundbreakingEvent e) {
            return LedgerEvent.builder(EventKind.GROUNDBREAKING).eventId(e.getEventId()).occurredAt(e.getOccurredAt())
                    .district(e.getDistrict()).sector(e.getSector()).project(project(e.getProject()))
                    .amount(amount(e.getAmount())).plannedWithinYear(amount(e.getPlannedWithinYear()))
                    .corrects(e.getCorrects()).source(e.getSource()).build();
        }
        if (record instanceof FundingEvent e) {
            return LedgerEvent.builder(EventKind.FUNDING).eventId(e.getEventId()).occurredAt(e.getOccurredAt())
                    .district(e.getDistrict()).sector(e.getSector()).project(project(e.getProject()))
                    .amount(amount(e.getAmount())).program(e.getProgram()).matching(amount(e.getMatching()))
                    .corrects(e.getCorrects()).source(e.getSource()).build();
        }
        throw new UnreadableEventException("not a ledger event record: " + record.getSchema().getFullName());
    }

    private static SigningEvent toSigning(final LedgerEvent e) {
        return SigningEvent.newBuilder().setEventId(e.eventId()).setOccurredAt(e.occurredAt())
                .setDistrict(e.district()).setSector(e.sector()).setProject(project(e.project()))
                .setAmount(money(e.amount())).setCorrects(e.corrects()).setSource(e.source()).build();
    }

    private static GroundbreakingEvent toGroundbreaking(final LedgerEvent e) {
        return GroundbreakingEvent.newBuilder().setEventId(e.eventId()).setOccurredAt(e.occurredAt())
                .setDistrict(e.district()).setSector(e.sector()).setProject(project(e.project()))
                .setAmount(money(e.amount())).setPlannedWithinYear(money(e.plannedWithinYear()))
                .setCorrects(e.corrects()).setSource(e.source()).build();
    }

    private static FundingEvent toFunding(final LedgerEvent e) {
        return FundingEvent.newBuilder().setEventId(e.eventId()).setOccurredAt(e.occurredAt())
                .setDistrict(e.district()).setSector(e.sector()).setProject(project(e.project()))
                .setAmount(money(e.amount())).setProgram(e.program()).setMatching(money(e.matching()))
                .setCorrects(e.corrects()).setSource(e.source()).build();
    }

    private static ProjectRef project(final Project p) {
        return p == null ? null : new ProjectRef(p.getId(), p.getName(), p.getCompany(), p.getCategory());
    }

    private static Project project(final ProjectRef p) {
        return p == null ? null : Project.newBuilder().setId(p.id()).setName(p.name()).setCompany(p.company())
                .setCategory(p.category()).build();
    }

    private static Amount amount(final Money m) {
        return m == null ? null : new Amount(m.getValue(), m.getCurrency());
    }

    private static Money money(final Amount a) {
        // the schema's scale is 4; anything finer is not representable and is refused by the encoder
        return a == null ? null : Money.newBuilder().setValue(a.value().setScale(4)).setCurrency(a.currency()).build();
    }
}
