package org.cityledger.bench;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.schema.EventCodec;

/**
 * Deterministic stream of realistic ledger records: the conference's districts and sectors, mixed
 * currencies, 1% duplicates, 0.5% corrections, 0.1% invalid records (a fifth of them not even Avro).
 * The same seed, data set name and shard always give the same bytes in the same order.
 *
 * <p>Shards split the projects ({@code project % shards == shard}), so that several threads can
 * produce one data set while each project's records, and so its corrections, still go out in order
 * through one producer. Event ids carry the data set name and shard, so data sets never collide.
 *
 * <p>As it draws, the generator keeps the {@link Oracle}: what the ledger must count. Not thread-safe.
 */
final class EventGenerator {

    static final double DUPLICATE_RATE = 0.01;
    static final double CORRECTION_RATE = 0.005;
    static final double INVALID_RATE = 0.001;
    /** Share of the invalid records that are unreadable bytes rather than events breaking a rule. */
    static final double GARBAGE_SHARE = 0.2;

    /** The ledger's history starts with the conference year; nothing is ever in the future. */
    static final Instant YEAR_START = OffsetDateTime.parse("2022-01-01T00:00:00+08:00").toInstant();
    static final Instant YEAR_END = OffsetDateTime.parse("2023-01-01T00:00:00+08:00").toInstant();

    /** How far back a duplicate or a correction reaches: re-deliveries and fixes come soon after the fact. */
    private static final int RECENT = 4096;

    private static final long CENTS_PER_WAN = 1_000_000L;

    private final EventCodec codec;
    private final ProjectCatalog catalog;
    private final String idPrefix;
    private final int shard;
    private final int shards;
    private final int shardProjects;
    private final SplittableRandom random;
    private final Oracle oracle = new Oracle();

    private long sequence;

    private final String[] recentKeys = new String[RECENT];
    private final byte[][] recentValues = new byte[RECENT][];
    private int recentSize;
    private int recentNext;

    private final LedgerEvent[] originals = new LedgerEvent[RECENT];
    private final boolean[] corrected = new boolean[RECENT];
    private int originalsSize;
    private int originalsNext;

    /**
     * @param dataset short name of the data set, part of every event id (e.g. "main", "lat5000", "replay")
     */
    EventGenerator(final EventCodec codec, final ProjectCatalog catalog, final long seed, final String dataset,
                   final int shard, final int shards) {
        if (shards < 1 || shard < 0 || shard >= shards || shards > catalog.size()) {
            throw new IllegalArgumentException("shard " + shard + " of " + shards + " over " + catalog.size() + " projects");
        }
        this.codec = codec;
        this.catalog = catalog;
        this.idPrefix = dataset + "-" + shard + "-";
        this.shard = shard;
        this.shards = shards;
        this.shardProjects = (catalog.size() - shard + shards - 1) / shards;
        this.random = new SplittableRandom(mix(seed, dataset.hashCode(), shard));
    }

    Oracle oracle() {
        return oracle;
    }

    GeneratedEvent next() {
        final double draw = random.nextDouble();
        final GeneratedEvent event;
        if (draw < DUPLICATE_RATE && recentSize > 0) {
            event = duplicate();
        } else if (draw >= DUPLICATE_RATE && draw < DUPLICATE_RATE + CORRECTION_RATE && originalsSize > 0) {
            event = correctionOrNew();
        } else if (draw >= DUPLICATE_RATE + CORRECTION_RATE && draw < DUPLICATE_RATE + CORRECTION_RATE + INVALID_RATE) {
            event = random.nextDouble() < GARBAGE_SHARE ? garbage() : invalid();
        } else {
            event = fresh();
        }
        oracle.record(event.category());
        return event;
    }

    private GeneratedEvent duplicate() {
        final int i = random.nextInt(recentSize);
        return new GeneratedEvent(recentKeys[i], recentValues[i], GeneratedEvent.Category.DUPLICATE, 0);
    }

    private GeneratedEvent fresh() {
        final ProjectCatalog.Project project = project();
        final LedgerEvent event = newEvent(project);
        final byte[] bytes = codec.encode(event);
        count(event, 1);
        remember(project.ref().id(), bytes);
        originals[originalsNext] = event;
        corrected[originalsNext] = false;
        originalsNext = (originalsNext + 1) % RECENT;
        originalsSize = Math.min(originalsSize + 1, RECENT);
        return new GeneratedEvent(project.ref().id(), bytes, GeneratedEvent.Category.NEW, 1);
    }

    /** A fix of a recent fact of the same project and kind: a new amount, everything else the same. */
    private GeneratedEvent correctionOrNew() {
        final int i = random.nextInt(originalsSize);
        if (corrected[i]) {
            // the ledger refuses a second correction of one event; this slot is used up
            return fresh();
        }
        final LedgerEvent target = originals[i];
        final int percent = 50 + random.nextInt(101);
        final LedgerEvent.Builder fix = target.toBuilder().eventId(nextId()).corrects(target.eventId())
                .amount(scaled(target.amount(), percent));
        if (target.plannedWithinYear() != null) {
            // the same factor, rounded down, keeps the plan within the corrected total
            fix.plannedWithinYear(scaled(target.plannedWithinYear(), percent));
        }
        final LedgerEvent correction = fix.build();
        final byte[] bytes = codec.encode(correction);
        corrected[i] = true;
        count(target, -1);
        count(correction, 1);
        remember(target.project().id(), bytes);
        // count stays: the correction replaces the event it corrects
        return new GeneratedEvent(target.project().id(), bytes, GeneratedEvent.Category.CORRECTION, 0);
    }

    private GeneratedEvent invalid() {
        final ProjectCatalog.Project project = project();
        final LedgerEvent valid = newEvent(project);
        final LedgerEvent.Builder broken = valid.toBuilder();
        String key = project.ref().id();
        switch (random.nextInt(6)) {
            case 0 -> broken.district("atlantis");
            case 1 -> broken.sector("quantum-widgets");
            case 2 -> broken.amount(new Amount(valid.amount().value().negate(), valid.amount().currency()));
            case 3 -> broken.amount(new Amount(valid.amount().value(), "ZZZ"));
            case 4 -> broken.amount(new Amount(valid.amount().value().add(new BigDecimal("0.005")),
                    valid.amount().currency()));
            default -> key = catalog.get(random.nextInt(catalog.size())).ref().id() + "-misrouted";
        }
        return new GeneratedEvent(key, codec.encode(broken.build()), GeneratedEvent.Category.INVALID, 0);
    }

    private GeneratedEvent garbage() {
        final ProjectCatalog.Project project = project();
        final byte[] bytes;
        if (random.nextBoolean()) {
            // a record some other application wrote to the wrong topic
            bytes = new byte[20 + random.nextInt(180)];
            for (int i = 0; i < bytes.length; i++) {
                bytes[i] = (byte) random.nextInt(128);
            }
        } else {
            // a torn write: our header, half a body
            final byte[] whole = codec.encode(newEvent(project));
            bytes = Arrays.copyOf(whole, whole.length / 2);
        }
        return new GeneratedEvent(project.ref().id(), bytes, GeneratedEvent.Category.GARBAGE, 0);
    }

    private LedgerEvent newEvent(final ProjectCatalog.Project project) {
        final int kindDraw = random.nextInt(100);
        final EventKind kind = kindDraw < 40 ? EventKind.SIGNING : kindDraw < 75 ? EventKind.GROUNDBREAKING : EventKind.FUNDING;
        final long secondsIntoYear = random.nextLong(YEAR_END.getEpochSecond() - YEAR_START.getEpochSecond());
        final LedgerEvent.Builder event = LedgerEvent.builder(kind).eventId(nextId())
                .occurredAt(YEAR_START.plusSeconds(secondsIntoYear)).district(project.district())
                .sector(project.sector()).project(project.ref()).source("office:" + project.district());
        final String currency = project.currency();
        switch (kind) {
            case SIGNING -> event.amount(money(logUniform(5_000, 600_000) * CENTS_PER_WAN, currency));
            case GROUNDBREAKING -> {
                final long totalCents = logUniform(10_000, 400_000) * CENTS_PER_WAN;
                final long plannedCents = totalCents / 100 * (10 + random.nextInt(51));
                event.amount(money(totalCents, currency)).plannedWithinYear(money(plannedCents, currency));
            }
            case FUNDING -> {
                // grants are paid to the fen; open-competition bounties come with the enterprise's matching commitment
                final long grantCents = logUniform(100_000_000L, 30_000_000_000L);
                if (random.nextInt(100) < 55) {
                    event.amount(money(grantCents, currency)).program("fiscal-support");
                } else {
                    final long matchingCents = grantCents / 10 * (15 + random.nextInt(36));
                    event.amount(money(grantCents, currency)).program("open-competition")
                            .matching(money(matchingCents, currency));
                }
            }
            default -> throw new IllegalStateException("unhandled kind " + kind);
        }
        return event.build();
    }

    private ProjectCatalog.Project project() {
        return catalog.get(shard + shards * random.nextInt(shardProjects));
    }

    private String nextId() {
        return idPrefix + sequence++;
    }

    private void remember(final String key, final byte[] bytes) {
        recentKeys[recentNext] = key;
        recentValues[recentNext] = bytes;
        recentNext = (recentNext + 1) % RECENT;
        recentSize = Math.min(recentSize + 1, RECENT);
    }

    private void count(final LedgerEvent event, final int sign) {
        oracle.count(event, sign);
    }

    /** Log-uniform between the bounds: a few large projects, many small ones, as in real batches. */
    private long logUniform(final long low, final long high) {
        // StrictMath: the same draw gives the same amount on every JVM and processor
        final double log = StrictMath.log(low) + random.nextDouble() * (StrictMath.log(high) - StrictMath.log(low));
        return Math.max(low, Math.min(high, (long) StrictMath.exp(log)));
    }

    /**
     * The yuan figure in the project's currency, at fixed round rates: the ledger never converts, so
     * only the magnitude has to be plausible.
     */
    private static Amount money(final long yuanCents, final String currency) {
        final long cents = switch (currency) {
            case "USD" -> yuanCents / 7;
            case "EUR" -> yuanCents / 8;
            case "HKD" -> yuanCents / 100 * 108;
            // the yen has no minor unit in practice: whole yen
            case "JPY" -> yuanCents * 20 / 100 * 100;
            default -> yuanCents;
        };
        return new Amount(BigDecimal.valueOf(cents, 2), currency);
    }

    private static Amount scaled(final Amount amount, final int percent) {
        final long cents = amount.value().movePointRight(2).longValueExact();
        return new Amount(BigDecimal.valueOf(cents * percent / 100, 2), amount.currency());
    }

    private static long mix(final long seed, final int dataset, final int shard) {
        long z = seed * 0x9E3779B97F4A7C15L + dataset * 0xBF58476D1CE4E5B9L + shard * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
