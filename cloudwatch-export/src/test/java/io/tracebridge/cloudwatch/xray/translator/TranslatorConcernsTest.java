package io.tracebridge.cloudwatch.xray.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Unit tests per concern that the golden files do not spell out. */
class TranslatorConcernsTest {
  @Test
  void traceIdFormFromTheReadme() {
    ByteString id = ByteString.copyFrom(HexFormat.of().parseHex("4bf92f3577b34da6a3ce929d0e0e4736"));
    assertThat(TraceIds.toXRay(id)).isEqualTo("1-4bf92f35-77b34da6a3ce929d0e0e4736");
  }

  @ParameterizedTest(name = "{0} at {1}: {2}")
  @CsvSource({
    "677512c0, 2025-01-01T10:00:00Z, true",
    "677512c0, 2025-01-29T09:00:00Z, true",
    "677512c0, 2025-02-01T10:00:00Z, false",
    "67751500, 2025-01-01T10:00:00Z, false",
  })
  void epochRule(String epochHex, String now, boolean accepted) {
    ByteString id = ByteString.copyFrom(HexFormat.of().parseHex(epochHex + "000000000000000000000001"));
    assertThat(TraceIds.epochWithinRange(id, Instant.parse(now))).isEqualTo(accepted);
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(delimiter = '|', value = {
    "invoke_agent calculator|invoke_agent calculator",
    "GET /api/{id}?x=1|GET /api/idx=1",
    "!!!|span",
    "Zürich-agent 2|Zürich-agent 2",
  })
  void sanitisesNames(String raw, String expected) {
    assertThat(SegmentNames.sanitize(raw)).isEqualTo(expected);
  }

  @Test
  void cutsNamesAt200BytesOnACharacterBoundary() {
    String name = SegmentNames.sanitize("é".repeat(150));
    assertThat(name.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize(200);
    assertThat(name).isEqualTo("é".repeat(100));
  }

  @Test
  void annotationKeysKeepOnlyAlphanumerics() {
    assertThat(AnnotationsMapper.sanitizeKey("gen_ai.usage.input-tokens")).isEqualTo("gen_ai_usage_input_tokens");
  }
}
