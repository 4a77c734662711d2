package io.tracebridge.cloudwatch.xray.translator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
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

  @Test
  void contentIsRemovedBeforeTrimmingSoOnlyWhatIsLeftIsTrimmed() throws Exception {
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(HexFormat.of().parseHex("677512c0a1b2c3d4e5f60718293a4b5c")))
        .setSpanId(ByteString.copyFrom(HexFormat.of().parseHex("0102030405060708")))
        .setName("chat")
        .setStartTimeUnixNano(1_735_725_600_000_000_000L)
        .setEndTimeUnixNano(1_735_725_601_000_000_000L)
        .addAttributes(kv("gen_ai.prompt", "P".repeat(100_000)))
        .addAttributes(kv("big.attribute", "x".repeat(80_000)))
        .addAttributes(KeyValue.newBuilder().setKey("gen_ai.usage.input_tokens").setValue(AnyValue.newBuilder().setIntValue(7)))
        .addEvents(Span.Event.newBuilder().setName("gen_ai.choice").setTimeUnixNano(1_735_725_600_900_000_000L)
            .addAttributes(kv("message", "C".repeat(50_000))).addAttributes(kv("finish_reason", "end_turn")))
        .build();
    ExportTraceServiceRequest request = ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder().addScopeSpans(ScopeSpans.newBuilder().addSpans(span)))
        .build();

    SegmentTranslator.SegmentDocument without =
        new SegmentTranslator(List.of(), false, null, Clock.systemUTC(), false).translate(request).documents().get(0);
    SegmentTranslator.SegmentDocument with =
        new SegmentTranslator(List.of(), false, null, Clock.systemUTC(), true).translate(request).documents().get(0);

    JsonNode document = SegmentJson.mapper().readTree(without.json());
    assertThat(without.bytes()).isLessThanOrEqualTo(SegmentTrimmer.MAX_DOCUMENT_BYTES);
    assertThat(without.json()).doesNotContain("PPPP").doesNotContain("CCCC");
    assertThat(document.at("/metadata/default/tracebridge.content.removed").asBoolean()).isTrue();
    assertThat(document.at("/metadata/tracebridge/trimmed").asBoolean()).as("the non-content attribute still needs trimming").isTrue();
    assertThat(document.at("/metadata/tracebridge/trimmed_paths").toString()).isEqualTo("[\"default/big.attribute\"]");
    assertThat(document.at("/metadata/otel/events/0/attributes/finish_reason").asText()).isEqualTo("end_turn");
    assertThat(document.at("/annotations/gen_ai_usage_input_tokens").asLong()).isEqualTo(7);

    JsonNode withContent = SegmentJson.mapper().readTree(with.json());
    assertThat(withContent.at("/metadata/tracebridge/trimmed_paths").toString())
        .as("with content, the content is what gets trimmed").contains("default/gen_ai.prompt");
    assertThat(withContent.at("/metadata/default/tracebridge.content.removed").isMissingNode()).isTrue();
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
