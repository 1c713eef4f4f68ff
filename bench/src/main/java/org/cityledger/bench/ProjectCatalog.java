package org.cityledger.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.cityledger.domain.ProjectRef;

/**
 * The projects the benchmark's events are about: many of them, so that keys (project ids) spread
 * evenly over the partitions, with the conference's districts and sectors in plausible shares.
 * Built once from the seed alone, so every data set of a run (and every shard) shares the same
 * projects. Immutable and thread-safe.
 */
final class ProjectCatalog {

    /** One project with what every event about it repeats: where it is, its sector and its currency. */
    record Project(ProjectRef ref, String district, String sector, String currency) {
    }

    // Shares loosely follow the conference report: Kunshan and the Industrial Park sign the most.
    private static final List<Weighted> DISTRICTS = List.of(
            new Weighted("zhangjiagang", 8), new Weighted("changshu", 9), new Weighted("taicang", 7),
            new Weighted("kunshan", 20), new Weighted("wujiang", 10), new Weighted("wuzhong", 8),
            new Weighted("xiangcheng", 7), new Weighted("gusu", 4), new Weighted("sip", 16), new Weighted("snd", 11));

    private static final List<Weighted> SECTORS = List.of(
            new Weighted("5g", 18), new Weighted("semiconductors", 22), new Weighted("smart-terminals", 16),
            new Weighted("displays", 10), new Weighted("optical-comms", 8), new Weighted("components", 10),
            new Weighted("automotive-electronics", 9), new Weighted("software", 7));

    private static final List<Weighted> CATEGORIES = List.of(
            new Weighted("strategic-emerging", 40), new Weighted("advanced-manufacturing", 35),
            new Weighted("modern-services", 10), new Weighted("innovation-park", 8), new Weighted("rnd-platform", 7));

    /** Mostly yuan; foreign investors' contracts in their own currency, never converted. */
    private static final List<Weighted> CURRENCIES = List.of(
            new Weighted("CNY", 90), new Weighted("USD", 6), new Weighted("EUR", 2), new Weighted("HKD", 1),
            new Weighted("JPY", 1));

    private static final Map<String, List<String>> PRODUCTS = Map.of(
            "5g", List.of("5G base-station RF module", "millimetre-wave antenna", "5G small-cell equipment"),
            "semiconductors", List.of("12-inch specialty wafer", "power semiconductor module", "advanced packaging and test"),
            "smart-terminals", List.of("notebook computer", "smart wearable device", "AR/VR headset"),
            "displays", List.of("Mini-LED backlight module", "OLED display module", "touch panel"),
            "optical-comms", List.of("high-speed optical transceiver", "silicon photonics chip"),
            "components", List.of("multilayer ceramic capacitor", "precision connector", "high-density PCB"),
            "automotive-electronics", List.of("vehicle domain controller", "automotive lidar", "battery management system"),
            "software", List.of("industrial software", "EDA tool", "industrial internet platform"));

    private static final Map<String, String> TRADES = Map.of(
            "5g", "Communication Technology", "semiconductors", "Microelectronics",
            "smart-terminals", "Intelligent Devices", "displays", "Display Technology", "optical-comms", "Photonics",
            "components", "Electronic Components", "automotive-electronics", "Automotive Electronics",
            "software", "Information Technology");

    private static final List<String> SUFFIXES = List.of("project", "production base", "smart factory",
            "capacity expansion", "R&D centre", "regional headquarters", "project (phase II)");
    private static final List<String> FIRST_SYLLABLES = List.of("Hua", "Rui", "Jin", "Tian", "Bo", "Xin", "Kai", "Yue",
            "Chang", "Ming", "Hong", "Jia", "Sheng", "Yi", "Zhi", "Heng");
    private static final List<String> SECOND_SYLLABLES = List.of("xin", "tong", "yuan", "da", "rui", "feng", "chuang",
            "wei", "hao", "cheng", "kang", "lian");

    private final Project[] projects;

    private ProjectCatalog(final Project[] projects) {
        this.projects = projects;
    }

    static ProjectCatalog create(final long seed, final int count) {
        if (count < 1) {
            throw new IllegalArgumentException("projects: must be at least 1, got " + count);
        }
        // a stream of its own, so that the catalogue does not depend on how many events are drawn
        final SplittableRandom random = new SplittableRandom(seed ^ 0x5DEECE66DL);
        final Project[] projects = new Project[count];
        for (int i = 0; i < count; i++) {
            final String district = pick(random, DISTRICTS);
            final String sector = pick(random, SECTORS);
            final String category = pick(random, CATEGORIES);
            final String currency = pick(random, CURRENCIES);
            final List<String> products = PRODUCTS.get(sector);
            final String product = products.get(random.nextInt(products.size()));
            final String name = Character.toUpperCase(product.charAt(0)) + product.substring(1) + " "
                    + SUFFIXES.get(random.nextInt(SUFFIXES.size()));
            final String company = FIRST_SYLLABLES.get(random.nextInt(FIRST_SYLLABLES.size()))
                    + SECOND_SYLLABLES.get(random.nextInt(SECOND_SYLLABLES.size())) + " " + TRADES.get(sector)
                    + " Co., Ltd.";
            final String id = String.format(Locale.ROOT, "prj-%s-%06d", district, i);
            projects[i] = new Project(new ProjectRef(id, name, company, category), district, sector, currency);
        }
        return new ProjectCatalog(projects);
    }

    /**
     * The projects of one district, in catalogue order: what a district office's own data can be
     * drawn from (an office publishes for its district only).
     */
    ProjectCatalog ofDistrict(final String district) {
        final Project[] own = Arrays.stream(projects).filter(p -> p.district().equals(district)).toArray(Project[]::new);
        if (own.length == 0) {
            throw new IllegalArgumentException("no project of district '" + district + "' among " + projects.length);
        }
        return new ProjectCatalog(own);
    }

    /** The districts of the catalogue, the one with most projects first (ties in code order). */
    List<String> districtsBySize() {
        final Map<String, Long> sizes = Arrays.stream(projects)
                .collect(Collectors.groupingBy(Project::district, TreeMap::new, Collectors.counting()));
        return sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).toList();
    }

    Project get(final int index) {
        return projects[index];
    }

    int size() {
        return projects.length;
    }

    private record Weighted(String code, int weight) {
    }

    private static String pick(final SplittableRandom random, final List<Weighted> choices) {
        int total = 0;
        for (final Weighted choice : choices) {
            total += choice.weight();
        }
        int draw = random.nextInt(total);
        for (final Weighted choice : choices) {
            draw -= choice.weight();
            if (draw < 0) {
                return choice.code();
            }
        }
        throw new IllegalStateException("unreachable: weights changed while drawing");
    }
}
