package org.cityledger.producers;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.cityledger.domain.Amount;
import org.cityledger.domain.EventKind;
import org.cityledger.domain.LedgerEvent;
import org.cityledger.domain.ProjectRef;
import org.cityledger.domain.Reference;

/**
 * The events of the Suzhou electronic-information conference held in Kunshan in February 2022, as
 * the news report tells them: 80 signings (CNY 72 bn) plus AUO's USD 1.8 bn capital increase, 70
 * groundbreakings (CNY 57 bn, CNY 19.1 bn planned within the year), CNY 2.4 bn fiscal support paid
 * in 2021, and 64 open-competition projects (CNY 289 m bounty, CNY 833 m committed by enterprises).
 *
 * <p>The report gives only totals, so the individual projects are invented; every sum, count,
 * category split and size class equals the report's by construction, and the tests check each.
 * The data are the same on every run and every JDK: one fixed seed, and only
 * {@link Random#nextInt(int)}, whose algorithm the JDK specifies.
 */
public final class DemoDataSet {

    /** When the conference opened; the signings and groundbreakings follow at small offsets. */
    public static final Instant CONFERENCE = OffsetDateTime.parse("2022-02-10T09:30:00+08:00").toInstant();

    /** The {@code source} of every demo event, so a dashboard can tell them from an office's. */
    public static final String SOURCE = "demo";

    private static final long SEED = 20_220_210L;
    private static final String CNY = "CNY";
    /** Signings and groundbreakings are drawn in whole millions of yuan, as such projects are announced. */
    private static final long MILLION = 1_000_000L;
    /** Grants and bounties are drawn in units of 10,000 yuan (万元), the unit their notices use. */
    private static final long WAN = 10_000L;

    private static final String STRATEGIC = "strategic-emerging";
    private static final String MANUFACTURING = "advanced-manufacturing";
    private static final String SERVICES = "modern-services";
    private static final String PARK = "innovation-park";
    private static final String RND = "rnd-platform";

    private static final Map<String, List<String>> PRODUCTS = Map.of(
            "5g", List.of("5G base-station RF module", "millimetre-wave antenna", "5G small-cell equipment",
                    "5G industrial gateway", "optical front-haul module", "5G filter and duplexer"),
            "semiconductors", List.of("12-inch specialty wafer", "power semiconductor module", "advanced packaging and test",
                    "compound semiconductor epitaxy", "MEMS sensor", "silicon carbide substrate", "IGBT device",
                    "analogue chip design"),
            "smart-terminals", List.of("notebook computer", "smart wearable device", "AR/VR headset",
                    "smart home terminal", "tablet and e-reader", "industrial handheld terminal"),
            "displays", List.of("Mini-LED backlight module", "OLED display module", "touch panel", "LCD glass substrate"),
            "optical-comms", List.of("high-speed optical transceiver", "silicon photonics chip", "optical fibre preform"),
            "components", List.of("multilayer ceramic capacitor", "precision connector", "high-density PCB",
                    "thin-film inductor"),
            "automotive-electronics", List.of("vehicle domain controller", "automotive lidar",
                    "battery management system", "in-vehicle display"),
            "software", List.of("industrial software", "EDA tool", "cloud data centre", "industrial internet platform"));

    private static final Map<String, String> TRADES = Map.of(
            "5g", "Communication Technology",
            "semiconductors", "Microelectronics",
            "smart-terminals", "Intelligent Devices",
            "displays", "Display Technology",
            "optical-comms", "Photonics",
            "components", "Electronic Components",
            "automotive-electronics", "Automotive Electronics",
            "software", "Information Technology");

    private static final Map<String, String> FIELDS = Map.of(
            "5g", "5G",
            "semiconductors", "semiconductor",
            "smart-terminals", "smart terminal",
            "displays", "display",
            "optical-comms", "optical communication",
            "components", "electronic component",
            "automotive-electronics", "automotive electronics",
            "software", "software");

    private static final Map<String, List<String>> SUFFIXES = Map.of(
            STRATEGIC, List.of("project", "production base", "industrialisation project", "project (phase II)"),
            MANUFACTURING, List.of("smart factory", "capacity expansion", "production line", "intelligent upgrading project"),
            SERVICES, List.of("regional headquarters", "supply-chain service centre", "testing and certification centre"),
            PARK, List.of("innovation park", "science and technology park", "industrial incubation park"),
            RND, List.of("R&D centre", "research institute", "engineering research centre"));

    private static final List<String> FIRST_SYLLABLES = List.of("Hua", "Rui", "Jin", "Tian", "Bo", "Xin", "Kai", "Yue",
            "Chang", "Ming", "Hong", "Jia", "Sheng", "Yi", "Zhi", "Heng", "Lan", "Wan");
    private static final List<String> SECOND_SYLLABLES = List.of("xin", "tong", "yuan", "da", "rui", "feng", "chuang",
            "wei", "hao", "cheng", "kang", "lian", "jie", "sheng");

    private static final List<String> GRANTS = List.of("technical transformation subsidy", "R&D expense award",
            "high-tech enterprise award", "first-set equipment award", "talent programme support",
            "intelligent manufacturing award");
    private static final List<String> CHALLENGES = List.of("key technology", "localisation", "yield improvement",
            "reliability", "cost reduction", "next-generation design");

    private final Random random = new Random(SEED);
    private final List<LedgerEvent> events = new ArrayList<>();
    private int projectSerial;

    private DemoDataSet() {
    }

    /** The whole data set in a fixed order: signings, groundbreakings, fiscal support, open competition. */
    public static List<LedgerEvent> events() {
        final DemoDataSet set = new DemoDataSet();
        set.signings();
        set.groundbreakings();
        set.fiscalSupport();
        set.openCompetition();
        return List.copyOf(set.events);
    }

    /** 80 signings of CNY 200 m to 6 bn each, CNY 72 bn together, and AUO's capital increase in US dollars. */
    private void signings() {
        final int count = 80;
        final long[] low = filled(count, 200);
        final long[] high = filled(count, 6_000);
        final long[] amounts = allocate(72_000, low, high, skewedWeights(count));
        final List<String> districts = districtsFor(count);
        for (int i = 0; i < count; i++) {
            final String sector = pickSector(List.of("5g", "semiconductors", "smart-terminals"), 3);
            final String category = pick(List.of(STRATEGIC, STRATEGIC, STRATEGIC, MANUFACTURING, MANUFACTURING,
                    MANUFACTURING, SERVICES, PARK, RND));
            events.add(event(EventKind.SIGNING, "demo-sign-" + serial(i + 1), CONFERENCE.plusSeconds(30L * i),
                    districts.get(i), sector, project(districts.get(i), sector, category),
                    money(amounts[i], MILLION)).build());
        }
        // 友达光电 (AUO): the report's one foreign-currency figure, kept in its own currency
        events.add(LedgerEvent.builder(EventKind.SIGNING)
                .eventId("demo-sign-081")
                .occurredAt(CONFERENCE.plus(Duration.ofMinutes(45)))
                .district("kunshan")
                .sector("displays")
                .project(new ProjectRef("prj-kunshan-auo-ltps", "AUO LTPS display capital increase (友达光电低温多晶硅项目增资)",
                        "AUO (Kunshan) Co., Ltd. (友达光电（昆山）有限公司)", STRATEGIC))
                .amount(new Amount(new BigDecimal("1800000000.00"), "USD"))
                .source(SOURCE)
                .build());
    }

    /**
     * 70 groundbreakings, CNY 57 bn: one of at least CNY 10 bn, fourteen more of at least CNY 1 bn,
     * the rest from CNY 100 m up to below CNY 1 bn; categories 28/29/6/6/1 as the report splits them.
     */
    private void groundbreakings() {
        final int count = 70;
        final List<String> categories = new ArrayList<>();
        categories.addAll(Collections.nCopies(28, STRATEGIC));
        categories.addAll(Collections.nCopies(29, MANUFACTURING));
        categories.addAll(Collections.nCopies(6, SERVICES));
        categories.addAll(Collections.nCopies(6, PARK));
        categories.addAll(Collections.nCopies(1, RND));
        shuffle(categories);

        final List<String> sectors = new ArrayList<>();
        sectors.addAll(Collections.nCopies(22, "5g"));
        sectors.addAll(Collections.nCopies(24, "semiconductors"));
        sectors.addAll(Collections.nCopies(18, "smart-terminals"));
        sectors.addAll(List.of("displays", "displays", "components", "components", "optical-comms",
                "automotive-electronics"));
        shuffle(sectors);

        // the one project of CNY 10 bn and more is a chip fab, of a strategic emerging industry
        final int giant = categories.indexOf(STRATEGIC);
        Collections.swap(sectors, giant, sectors.indexOf("semiconductors"));
        final List<Integer> others = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            // a research platform is a lab, not a billion-yuan site
            if (i != giant && !RND.equals(categories.get(i))) {
                others.add(i);
            }
        }
        shuffle(others);
        final List<Integer> large = others.subList(0, 14);

        final long[] low = filled(count, 100);
        final long[] high = filled(count, 999);
        final long[] weights = skewedWeights(count);
        low[giant] = 10_000;
        high[giant] = 16_000;
        weights[giant] *= 20;
        for (final int i : large) {
            low[i] = 1_000;
            high[i] = 4_000;
            weights[i] *= 4;
        }
        final long[] amounts = allocate(57_000, low, high, weights);

        // the report gives only the sum; a tenth to three fifths of its total is a plausible first-year spend
        final long[] plannedLow = new long[count];
        final long[] plannedHigh = new long[count];
        final long[] plannedWeights = new long[count];
        for (int i = 0; i < count; i++) {
            plannedLow[i] = Math.max(1, amounts[i] / 10);
            plannedHigh[i] = amounts[i] * 6 / 10;
            plannedWeights[i] = amounts[i] * (1 + random.nextInt(10));
        }
        final long[] planned = allocate(19_100, plannedLow, plannedHigh, plannedWeights);

        final List<String> districts = districtsFor(count);
        for (int i = 0; i < count; i++) {
            final ProjectRef project = project(districts.get(i), sectors.get(i), categories.get(i));
            final ProjectRef named = i == giant
                    ? new ProjectRef(project.id(), "12-inch wafer fab " + pick(SUFFIXES.get(STRATEGIC)), project.company(),
                            project.category())
                    : project;
            events.add(event(EventKind.GROUNDBREAKING, "demo-start-" + serial(i + 1),
                    CONFERENCE.plus(Duration.ofHours(1)).plusSeconds(30L * i), districts.get(i), sectors.get(i),
                    named, money(amounts[i], MILLION))
                    .plannedWithinYear(money(planned[i], MILLION))
                    .build());
        }
    }

    /** 30 grants paid through 2021, CNY 10 m to 300 m each, CNY 2.4 bn together. */
    private void fiscalSupport() {
        final int count = 30;
        final long[] grants = allocate(240_000, filled(count, 1_000), filled(count, 30_000), skewedWeights(count));
        final List<String> districts = districtsFor(count);
        final Instant firstPayment = OffsetDateTime.parse("2021-03-01T10:00:00+08:00").toInstant();
        for (int i = 0; i < count; i++) {
            final String district = districts.get(i);
            final String sector = pickSector(List.of("5g", "semiconductors", "smart-terminals"), 2);
            final String company = company(district, sector);
            final ProjectRef firm = new ProjectRef(nextProjectId(district), "2021 " + pick(GRANTS),
                    company, pick(List.of(STRATEGIC, MANUFACTURING)));
            events.add(event(EventKind.FUNDING, "demo-fiscal-" + serial(i + 1), firstPayment.plus(Duration.ofDays(9L * i)),
                    district, sector, firm, money(grants[i], WAN))
                    .program("fiscal-support")
                    .build());
        }
    }

    /**
     * 64 open-competition (揭榜挂帅) projects: bounties of CNY 1 m to 15 m, CNY 289 m together, each with
     * an enterprise's commitment of 1.5 to 5 times its bounty, CNY 833 m together.
     */
    private void openCompetition() {
        final int count = 64;
        final long[] bounties = allocate(28_900, filled(count, 100), filled(count, 1_500), skewedWeights(count));
        final long[] matchingLow = new long[count];
        final long[] matchingHigh = new long[count];
        final long[] matchingWeights = new long[count];
        for (int i = 0; i < count; i++) {
            matchingLow[i] = bounties[i] * 3 / 2;
            matchingHigh[i] = bounties[i] * 5;
            matchingWeights[i] = bounties[i] * (1 + random.nextInt(10));
        }
        final long[] matching = allocate(83_300, matchingLow, matchingHigh, matchingWeights);
        final List<String> districts = districtsFor(count);
        final Instant published = CONFERENCE.plus(Duration.ofHours(2));
        for (int i = 0; i < count; i++) {
            final String district = districts.get(i);
            final String sector = pickSector(List.of("5g", "semiconductors", "smart-terminals"), 2);
            final ProjectRef challenge = new ProjectRef(nextProjectId(district),
                    "Open challenge: " + pick(PRODUCTS.get(sector)) + " " + pick(CHALLENGES),
                    company(district, sector), pick(List.of(STRATEGIC, STRATEGIC, MANUFACTURING, RND)));
            events.add(event(EventKind.FUNDING, "demo-open-" + serial(i + 1), published.plus(Duration.ofMinutes(i)),
                    district, sector, challenge, money(bounties[i], WAN))
                    .program("open-competition")
                    .matching(money(matching[i], WAN))
                    .build());
        }
    }

    private static LedgerEvent.Builder event(final EventKind kind, final String eventId, final Instant occurredAt,
                                             final String district, final String sector, final ProjectRef project,
                                             final Amount amount) {
        return LedgerEvent.builder(kind).eventId(eventId).occurredAt(occurredAt).district(district).sector(sector)
                .project(project).amount(amount).source(SOURCE);
    }

    private ProjectRef project(final String district, final String sector, final String category) {
        final String name;
        if (STRATEGIC.equals(category) || MANUFACTURING.equals(category)) {
            name = capitalized(pick(PRODUCTS.get(sector))) + " " + pick(SUFFIXES.get(category));
        } else {
            name = districtName(district) + " " + FIELDS.get(sector) + " " + pick(SUFFIXES.get(category));
        }
        return new ProjectRef(nextProjectId(district), name, company(district, sector), category);
    }

    private static String capitalized(final String phrase) {
        return phrase.substring(0, 1).toUpperCase(Locale.ROOT) + phrase.substring(1);
    }

    private String company(final String district, final String sector) {
        final String brand = pick(FIRST_SYLLABLES) + pick(SECOND_SYLLABLES);
        return brand + " " + TRADES.get(sector) + " (" + registeredCity(district) + ") Co., Ltd.";
    }

    /** Firms register under the county-level city they are in; a Suzhou district's firms under Suzhou. */
    private static String registeredCity(final String district) {
        return switch (district) {
            case "zhangjiagang", "changshu", "taicang", "kunshan" -> districtName(district);
            default -> "Suzhou";
        };
    }

    private static String districtName(final String district) {
        return Reference.district(district).orElseThrow().nameEn();
    }

    private String nextProjectId(final String district) {
        projectSerial++;
        return "prj-" + district + "-" + serial(projectSerial);
    }

    private static String serial(final int number) {
        return String.format(Locale.ROOT, "%03d", number);
    }

    /** Every district in equal share (as far as {@code count} divides), in a shuffled order. */
    private List<String> districtsFor(final int count) {
        final List<String> districts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            districts.add(Reference.DISTRICTS.get(i % Reference.DISTRICTS.size()).code());
        }
        shuffle(districts);
        return districts;
    }

    /** One of {@code main} {@code mainWeight} times as often as any other sector. */
    private String pickSector(final List<String> main, final int mainWeight) {
        final List<String> weighted = new ArrayList<>();
        for (final Reference.Code sector : Reference.SECTORS) {
            final int copies = main.contains(sector.code()) ? mainWeight : 1;
            weighted.addAll(Collections.nCopies(copies, sector.code()));
        }
        return pick(weighted);
    }

    private <T> T pick(final List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }

    /** Fisher–Yates with {@link Random#nextInt(int)}, whose results the JDK specifies for a seed. */
    private <T> void shuffle(final List<T> list) {
        for (int i = list.size() - 1; i > 0; i--) {
            Collections.swap(list, i, random.nextInt(i + 1));
        }
    }

    /** Weights from 1 to 100, products of two draws so a few projects stand out as in real batches. */
    private long[] skewedWeights(final int count) {
        final long[] weights = new long[count];
        for (int i = 0; i < count; i++) {
            weights[i] = (1L + random.nextInt(10)) * (1L + random.nextInt(10));
        }
        return weights;
    }

    private static long[] filled(final int count, final long value) {
        final long[] values = new long[count];
        Arrays.fill(values, value);
        return values;
    }

    /**
     * Splits {@code total} into parts with {@code low[i] <= part[i] <= high[i]}, roughly in proportion
     * to {@code weights}. Integer arithmetic only, and the remainder of the rounding is handed out
     * last, so the parts add up to {@code total} exactly.
     */
    private long[] allocate(final long total, final long[] low, final long[] high, final long[] weights) {
        final int count = low.length;
        final long[] parts = low.clone();
        final long floor = sum(low);
        final long ceiling = sum(high);
        if (total < floor || total > ceiling) {
            throw new IllegalStateException("cannot split " + total + " into parts within [" + floor + ", " + ceiling + "]");
        }
        final long share = total - floor;
        final long weightSum = sum(weights);
        long left = share;
        for (int i = 0; i < count; i++) {
            final long add = Math.min(high[i] - parts[i], share * weights[i] / weightSum);
            parts[i] += add;
            left -= add;
        }
        while (left > 0) {
            // in small steps, so that no single part collects the whole remainder
            final int i = random.nextInt(count);
            final long add = Math.min(high[i] - parts[i], Math.min(left, 1 + left / count));
            parts[i] += add;
            left -= add;
        }
        return parts;
    }

    private static long sum(final long[] values) {
        long sum = 0;
        for (final long value : values) {
            sum += value;
        }
        return sum;
    }

    private static Amount money(final long units, final long unitYuan) {
        return new Amount(BigDecimal.valueOf(units).multiply(BigDecimal.valueOf(unitYuan)).setScale(2), CNY);
    }
}
