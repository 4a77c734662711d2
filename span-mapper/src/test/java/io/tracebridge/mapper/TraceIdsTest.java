package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TraceIdsTest {
  private static final String W3C = "5b8efff798038103d269b633813fc60c";
  private static final String XRAY = "1-5b8efff7-98038103d269b633813fc60c";

  @Test
  void xrayFormSplitsAfterEightHexDigits() {
    assertThat(TraceIds.toXray(W3C)).isEqualTo(XRAY);
  }

  @Test
  void eitherFormGivesW3cCaseInsensitively() {
    assertThat(TraceIds.toW3c(XRAY)).isEqualTo(W3C);
    assertThat(TraceIds.toW3c(W3C.toUpperCase())).isEqualTo(W3C);
    assertThat(TraceIds.toW3c(" " + XRAY + " ")).isEqualTo(W3C);
    assertThat(TraceIds.toXray(XRAY)).isEqualTo(XRAY);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "5b8efff798038103d269b633813fc60",
      "2-5b8efff7-98038103d269b633813fc60c",
      "5b8efff7-98038103d269b633813fc60c", "zz8efff798038103d269b633813fc60c"})
  void rejectsOtherShapes(String id) {
    assertThat(TraceIds.isValid(id)).isFalse();
    assertThatThrownBy(() -> TraceIds.toW3c(id)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsAllZerosInBothForms() {
    assertThat(TraceIds.isValid("00000000000000000000000000000000")).isFalse();
    assertThat(TraceIds.isValid("1-00000000-000000000000000000000000")).isFalse();
  }

  @Test
  void hexOfIdBytesIsLowerCase() {
    assertThat(TraceIds.hex(new byte[] {(byte) 0xAB, 0x01})).isEqualTo("ab01");
  }
}
