package org.cityledger.domain;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The city's reference codes. Codes are lower-case ASCII and stable; names are for people.
 * Kept as data rather than Avro enums so that adding a sector is a code change here, not a
 * schema change every consumer must take first.
 */
public final class Reference {

    /** A code with its Chinese and English names. */
    public record Code(String code, String nameZh, String nameEn) {
    }

    public static final List<Code> DISTRICTS = List.of(
            new Code("zhangjiagang", "张家港市", "Zhangjiagang"),
            new Code("changshu", "常熟市", "Changshu"),
            new Code("taicang", "太仓市", "Taicang"),
            new Code("kunshan", "昆山市", "Kunshan"),
            new Code("wujiang", "吴江区", "Wujiang"),
            new Code("wuzhong", "吴中区", "Wuzhong"),
            new Code("xiangcheng", "相城区", "Xiangcheng"),
            new Code("gusu", "姑苏区", "Gusu"),
            new Code("sip", "苏州工业园区", "Suzhou Industrial Park"),
            new Code("snd", "苏州高新区", "Suzhou New District"));

    public static final List<Code> SECTORS = List.of(
            new Code("5g", "5G通信", "5G communications"),
            new Code("semiconductors", "半导体芯片", "Semiconductor chips"),
            new Code("smart-terminals", "智能终端", "Smart terminals"),
            new Code("displays", "新型显示", "Displays"),
            new Code("optical-comms", "光通信", "Optical communications"),
            new Code("components", "电子元器件", "Electronic components"),
            new Code("automotive-electronics", "汽车电子", "Automotive electronics"),
            new Code("software", "软件和信息服务", "Software and information services"));

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

    private Reference() {
    }

    public static Optional<Code> district(final String code) {
        return Optional.ofNullable(code == null ? null : DISTRICT_BY_CODE.get(code));
    }

    public static Optional<Code> sector(final String code) {
        return Optional.ofNullable(code == null ? null : SECTOR_BY_CODE.get(code));
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

    private static Map<String, Code> index(final List<Code> codes) {
        final Map<String, Code> byCode = new LinkedHashMap<>();
        codes.forEach(c -> byCode.put(c.code(), c));
        return Map.copyOf(byCode);
    }
}
