package org.cityledger.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The city's reference codes. Codes are lower-case ASCII and stable; names are for people.
 * Kept as data rather than Avro enums so that adding a sector is a code change here, not a
 * schema change every consumer must take first.
 *
 * <p>Offices' own systems speak national codes, so each district and sector also carries one, and
 * everything that accepts a code accepts it too ({@link #districtCode}, {@link #sectorCode}):
 * <ul>
 *   <li>districts: the county-level division code of GB/T 2260 (the Ministry of Civil Affairs'
 *       administrative division codes). Suzhou Industrial Park is a development zone, not an
 *       administrative division, so GB/T 2260 has no code for it; its code, 320571, is the one the
 *       National Bureau of Statistics gives it in its statistical division codes
 *       (统计用区划代码), where development zones sit beside the districts. Suzhou New District
 *       (苏州高新区) and Huqiu District (虎丘区) are one area under one administration, so the SND
 *       carries Huqiu's GB/T 2260 code, 320505;</li>
 *   <li>sectors: the four-digit class of GB/T 4754-2017 (Industrial classification for national
 *       economic activities) that holds the sector's core activity. A sector of the cluster may
 *       reach into neighbouring classes (electronic components span group 398); the class named
 *       is the one an office's statistics would file most of its projects under.</li>
 * </ul>
 */
public final class Reference {

    /**
     * A code with its Chinese and English names and, for districts and sectors, the national code
     * (null for categories and programs, which have none).
     */
    public record Code(String code, String nameZh, String nameEn, String nationalCode) {

        public Code(final String code, final String nameZh, final String nameEn) {
            this(code, nameZh, nameEn, null);
        }
    }

    /** Where district national codes come from. */
    public static final String DISTRICT_SCHEME = "GB/T 2260 (SIP: NBS statistical division code)";
    /** Where sector national codes come from. */
    public static final String SECTOR_SCHEME = "GB/T 4754-2017 class";

    public static final List<Code> DISTRICTS = List.of(
            new Code("zhangjiagang", "张家港市", "Zhangjiagang", "320582"),
            new Code("changshu", "常熟市", "Changshu", "320581"),
            new Code("taicang", "太仓市", "Taicang", "320585"),
            new Code("kunshan", "昆山市", "Kunshan", "320583"),
            new Code("wujiang", "吴江区", "Wujiang", "320509"),
            new Code("wuzhong", "吴中区", "Wuzhong", "320506"),
            new Code("xiangcheng", "相城区", "Xiangcheng", "320507"),
            new Code("gusu", "姑苏区", "Gusu", "320508"),
            new Code("sip", "苏州工业园区", "Suzhou Industrial Park", "320571"),
            new Code("snd", "苏州高新区", "Suzhou New District", "320505"));

    public static final List<Code> SECTORS = List.of(
            new Code("5g", "5G通信", "5G communications", "3921"),
            new Code("semiconductors", "半导体芯片", "Semiconductor chips", "3973"),
            new Code("smart-terminals", "智能终端", "Smart terminals", "3922"),
            new Code("displays", "新型显示", "Displays", "3974"),
            new Code("optical-comms", "光通信", "Optical communications", "3976"),
            new Code("components", "电子元器件", "Electronic components", "3981"),
            new Code("automotive-electronics", "汽车电子", "Automotive electronics", "3670"),
            new Code("software", "软件和信息服务", "Software and information services", "6513"));

    public static final List<Code> CATEGORIES = List.of(
            new Code("strategic-emerging", "战略性新兴产业", "Strategic emerging industries"),
            new Code("advanced-manufacturing", "先进制造业", "Advanced manufacturing"),
            new Code("modern-services", "现代服务业", "Modern services"),
            new Code("innovation-park", "科创园", "Science and innovation park"),
            new Code("rnd-platform", "研发平台", "R&D platform"));

    public static final List<Code> PROGRAMS = List.of(
            new Code("fiscal-support", "财政扶持资金", "Fiscal support"),
            new Code("open-competition", "揭榜挂帅", "Open competition (bounty)"));

    private static final Map<String, Code> DISTRICT_BY_CODE = index(DISTRICTS);
    private static final Map<String, Code> SECTOR_BY_CODE = index(SECTORS);
    private static final Map<String, Code> CATEGORY_BY_CODE = index(CATEGORIES);
    private static final Map<String, Code> PROGRAM_BY_CODE = index(PROGRAMS);
    private static final Map<String, Code> DISTRICT_BY_NATIONAL = byNational(DISTRICTS);
    private static final Map<String, Code> SECTOR_BY_NATIONAL = byNational(SECTORS);

    private Reference() {
    }

    public static Optional<Code> district(final String code) {
        return Optional.ofNullable(code == null ? null : DISTRICT_BY_CODE.get(code));
    }

    public static Optional<Code> sector(final String code) {
        return Optional.ofNullable(code == null ? null : SECTOR_BY_CODE.get(code));
    }

    /**
     * The ledger's district code for {@code value}, which may be the code itself or the district's
     * national code (e.g. 320583 → kunshan); {@code value} unchanged when it is neither, so that the
     * rules refuse it by what was sent.
     */
    public static String districtCode(final String value) {
        final Code national = value == null ? null : DISTRICT_BY_NATIONAL.get(value.strip());
        return national == null ? value : national.code();
    }

    /** As {@link #districtCode}, for sectors (e.g. 3973 → semiconductors). */
    public static String sectorCode(final String value) {
        final Code national = value == null ? null : SECTOR_BY_NATIONAL.get(value.strip());
        return national == null ? value : national.code();
    }

    public static boolean isDistrict(final String code) {
        return code != null && DISTRICT_BY_CODE.containsKey(code);
    }

    public static boolean isSector(final String code) {
        return code != null && SECTOR_BY_CODE.containsKey(code);
    }

    public static boolean isCategory(final String code) {
        return code != null && CATEGORY_BY_CODE.containsKey(code);
    }

    public static boolean isProgram(final String code) {
        return code != null && PROGRAM_BY_CODE.containsKey(code);
    }

    private static Map<String, Code> byNational(final List<Code> codes) {
        final Map<String, Code> byNational = new LinkedHashMap<>();
        codes.forEach(c -> byNational.put(c.nationalCode(), c));
        return Map.copyOf(byNational);
    }

    private static Map<String, Code> index(final List<Code> codes) {
        final Map<String, Code> byCode = new LinkedHashMap<>();
        codes.forEach(c -> byCode.put(c.code(), c));
        return Map.copyOf(byCode);
    }
}
