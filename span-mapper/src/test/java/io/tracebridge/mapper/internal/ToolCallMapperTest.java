package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.mapper.ToolCall;
import org.junit.jupiter.api.Test;

class ToolCallMapperTest {
  private final Views views = new Views();
  private final SpanView toolSpan = views.of(span("execute_tool gw___calc")
      .addAttributes(kv("gen_ai.tool.name", "gw___calc"))
      .addAttributes(kv("gen_ai.tool.call.id", "tooluse_1"))
      .addAttributes(kv("gen_ai.tool.status", "success")).build());

  @Test
  void requestTakesNameAndInputFromTheEventAndCallIdFromTheSpan() {
    ToolCall tool = ToolCallMapper.request(toolSpan,
        views.attributes(kv("tool.name", "calc"), kv("tool.input", "{\"x\":1}")));

    assertThat(tool).isEqualTo(new ToolCall("calc", "tooluse_1", "calc", "calc", "{\"x\":1}",
        null, null));
  }

  @Test
  void responseFallsBackToTheSpanForNameAndStatusAndSplitsGatewayNames() {
    ToolCall tool = ToolCallMapper.response(toolSpan, views.attributes(kv("tool.output", "3")));

    assertThat(tool).isEqualTo(new ToolCall("gw___calc", "tooluse_1", "gw", "calc", null, "3",
        "success"));
  }

  @Test
  void eventStatusWinsAndSpanCopiesAreAFallback() {
    SpanView bare = views.of(span("execute_tool").build());
    ToolCall tool = ToolCallMapper.response(bare, views.attributes(kv("tool.status", "error"),
        kv("span.gen_ai.tool.name", "calc"), kv("span.gen_ai.tool.call.id", "tooluse_2")));

    assertThat(tool.name()).isEqualTo("calc");
    assertThat(tool.callId()).isEqualTo("tooluse_2");
    assertThat(tool.status()).isEqualTo("error");
  }
}
