package org.cityledger.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReferenceTest {

    @Test
    void shouldGiveEveryDistrictAndSectorADistinctNationalCode() {
        assertThat(Reference.DISTRICTS).extracting(Reference.Code::nationalCode).doesNotContainNull().doesNotHaveDuplicates();
        assertThat(Reference.SECTORS).extracting(Reference.Code::nationalCode).doesNotContainNull().doesNotHaveDuplicates();
    }

    @Test
    void shouldTranslateADistrictsDivisionCode() {
        assertThat(Reference.districtCode("320583")).isEqualTo("kunshan");
        assertThat(Reference.districtCode("320509")).isEqualTo("wujiang");
        assertThat(Reference.districtCode("320571")).isEqualTo("sip");
    }

    @Test
    void shouldTranslateASectorsIndustryClass() {
        assertThat(Reference.sectorCode("3973")).isEqualTo("semiconductors");
    }

    @Test
    void shouldLeaveOurOwnAndUnknownCodesAsSent() {
        assertThat(Reference.districtCode("kunshan")).isEqualTo("kunshan");
        assertThat(Reference.districtCode("999999")).isEqualTo("999999");
        assertThat(Reference.sectorCode(null)).isNull();
    }

    @Test
    void shouldKeepDistrictDivisionCodesWithinSuzhou() {
        // 3205: Suzhou's prefecture-level prefix in GB/T 2260
        assertThat(Reference.DISTRICTS).extracting(Reference.Code::nationalCode).allMatch(code -> code.startsWith("3205"));
    }
}
