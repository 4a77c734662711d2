package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.mapper.Usage;
import org.junit.jupiter.api.Test;

class UsageReaderTest {
  private final Views views = new Views();

  @Test
  void readsStrandsNames() {
    Attributes strands = views.attributes(
        kv("gen_ai.usage.prompt_tokens", 100), kv("gen_ai.usage.input_tokens", 100),
        kv("gen_ai.usage.completion_tokens", 20), kv("gen_ai.usage.output_tokens", 20),
        kv("gen_ai.usage.total_tokens", 120), kv("gen_ai.usage.cache_read_input_tokens", 64),
        kv("gen_ai.usage.cache_write_input_tokens", 32));

    assertThat(UsageReader.read(strands)).isEqualTo(new Usage(100, 20, 64, 32, 0));
  }

  @Test
  void bedrockConverseInputWithoutTheCacheGetsCacheReadsAndWritesAdded() {
    // Converse counts inputTokens without the cache; a producer that passes it through (older
    // Strands) says so by its total: 200 + 45 + 1000 + 150 = 1395.
    Attributes converse = views.attributes(
        kv("gen_ai.usage.input_tokens", 200), kv("gen_ai.usage.output_tokens", 45),
        kv("gen_ai.usage.total_tokens", 1395), kv("gen_ai.usage.cache_read_input_tokens", 1000),
        kv("gen_ai.usage.cache_write_input_tokens", 150));
    // Strands 1.62 already adds the cache to input_tokens (total stays input + output).
    Attributes strands162 = views.attributes(
        kv("gen_ai.usage.input_tokens", 1350), kv("gen_ai.usage.output_tokens", 45),
        kv("gen_ai.usage.total_tokens", 1395), kv("gen_ai.usage.cache_read.input_tokens", 1000),
        kv("gen_ai.usage.cache_creation.input_tokens", 150));

    assertThat(UsageReader.read(converse)).isEqualTo(new Usage(1350, 45, 1000, 150, 0));
    assertThat(UsageReader.read(strands162)).isEqualTo(new Usage(1350, 45, 1000, 150, 0));
    assertThat(io.tracebridge.mapper.SpanUsage.of(java.util.List.of(
        kv("gen_ai.usage.input_tokens", 200), kv("gen_ai.usage.output_tokens", 45),
        kv("gen_ai.usage.total_tokens", 1395), kv("gen_ai.usage.cache_read_input_tokens", 1000),
        kv("gen_ai.usage.cache_write_input_tokens", 150))))
        .isEqualTo(new Usage(1350, 45, 1000, 150, 0));
  }

  @Test
  void readsPre128Names() {
    Attributes old = views.attributes(
        kv("gen_ai.usage.prompt_tokens", 11), kv("gen_ai.usage.completion_tokens", 3));

    assertThat(UsageReader.read(old)).isEqualTo(Usage.of(11, 3));
  }

  @Test
  void readsSemconvCacheAndReasoningNames() {
    Attributes semconv = views.attributes(
        kv("gen_ai.usage.input_tokens", 500), kv("gen_ai.usage.output_tokens", 300),
        kv("gen_ai.usage.cache_read.input_tokens", 256),
        kv("gen_ai.usage.cache_creation.input_tokens", 128),
        kv("gen_ai.usage.reasoning.output_tokens", 220));

    assertThat(UsageReader.read(semconv)).isEqualTo(new Usage(500, 300, 256, 128, 220));
  }

  @Test
  void readsAnthropicStyleCacheCreation() {
    assertThat(UsageReader.read(views.attributes(
        kv("gen_ai.usage.cache_creation_input_tokens", "40"))))
        .isEqualTo(new Usage(0, 0, 0, 40, 0));
  }

  @Test
  void readsOpenLlmetryNamesWithItsTotal() {
    // opentelemetry-instrumentation-openai 0.54.0 on an OpenAI call: prompt_tokens (1200)
    // includes the 1000 cached ones, and llm.usage.total_tokens = input + output, so the input
    // stays as it is.
    Attributes openAi = views.attributes(
        kv("gen_ai.usage.input_tokens", 1200), kv("gen_ai.usage.output_tokens", 45),
        kv("gen_ai.usage.cache_read_input_tokens", 1000), kv("llm.usage.total_tokens", 1245),
        kv("llm.usage.reasoning_tokens", 20));
    assertThat(UsageReader.openLlmetry(openAi)).isEqualTo(new Usage(1200, 45, 1000, 0, 20));

    // Older releases: prompt_tokens / completion_tokens; a total that shows input without the
    // cache (Bedrock style) is normalised like any other.
    Attributes older = views.attributes(
        kv("gen_ai.usage.prompt_tokens", 200), kv("gen_ai.usage.completion_tokens", 45),
        kv("gen_ai.usage.cache_read_input_tokens", 1000),
        kv("gen_ai.usage.cache_creation_input_tokens", 150), kv("llm.usage.total_tokens", 1395));
    assertThat(UsageReader.openLlmetry(older)).isEqualTo(new Usage(1350, 45, 1000, 150, 0));
    assertThat(views.issues).isEmpty();
  }

  @Test
  void newNamesWinOverOld() {
    Attributes both = views.attributes(
        kv("gen_ai.usage.prompt_tokens", 1), kv("gen_ai.usage.input_tokens", 2),
        kv("gen_ai.usage.completion_tokens", 3), kv("gen_ai.usage.output_tokens", 4));

    assertThat(UsageReader.read(both)).isEqualTo(Usage.of(2, 4));
  }

  @Test
  void noUsageAttributesGiveNull() {
    assertThat(UsageReader.read(views.attributes(kv("gen_ai.request.model", "m")))).isNull();
  }

  @Test
  void modelCallPrefersTheSpanThenTheEventThenTheCopies() {
    SpanView chatWithUsage = views.of(span("chat")
        .addAttributes(kv("gen_ai.usage.input_tokens", 10))
        .addAttributes(kv("gen_ai.usage.output_tokens", 1)).build());
    SpanView chatWithout = views.of(span("chat").build());
    Attributes event = views.attributes(kv("model.input_tokens", 20), kv("model.output_tokens", 2),
        kv("span.gen_ai.usage.input_tokens", "30"));
    Attributes copiesOnly = views.attributes(kv("span.gen_ai.usage.input_tokens", "30"));

    assertThat(UsageReader.modelCall(chatWithUsage, event)).isEqualTo(Usage.of(10, 1));
    assertThat(UsageReader.modelCall(chatWithout, event)).isEqualTo(Usage.of(20, 2));
    assertThat(UsageReader.modelCall(chatWithout, copiesOnly)).isEqualTo(Usage.of(30, 0));
    assertThat(UsageReader.modelCall(chatWithout, views.attributes())).isNull();
  }

  @Test
  void modelCallNeverTakesAnAgentSpansTotals() {
    Span.Builder agent = span("invoke_agent a")
        .addAttributes(kv("gen_ai.usage.input_tokens", 900));
    Attributes copies = views.attributes(kv("span.gen_ai.usage.input_tokens", "900"));

    assertThat(UsageReader.modelCall(views.of(agent.build()), copies)).isNull();
    Span byOperation = span("custom").addAttributes(kv("gen_ai.operation.name", "invoke_agent"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 900)).build();
    assertThat(UsageReader.modelCall(views.of(byOperation), copies)).isNull();
    assertThat(UsageReader.modelCall(views.of(agent.build()),
        views.attributes(kv("model.input_tokens", 5)))).isEqualTo(Usage.of(5, 0));
  }

  @Test
  void agentTotalPrefersTheAgentSpansOwnTotals() {
    SpanView agent = views.of(span("invoke_agent a")
        .addAttributes(kv("gen_ai.usage.input_tokens", 900))
        .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", 50)).build());
    SpanView agentWithoutUsage = views.of(span("invoke_agent a").build());
    SpanView cycle = views.of(span("execute_event_loop_cycle")
        .addAttributes(kv("gen_ai.usage.input_tokens", 5)).build());

    // The span's totals (cache included) win over the hook's accumulated_usage (no cache).
    assertThat(UsageReader.agentTotal(agent, views.attributes(
        kv("agent.input_tokens", 850), kv("agent.output_tokens", 3))))
        .isEqualTo(new Usage(900, 0, 50, 0, 0));
    assertThat(UsageReader.agentTotal(agentWithoutUsage, views.attributes(
        kv("agent.response", "done"), kv("agent.input_tokens", 850),
        kv("agent.output_tokens", 3)))).isEqualTo(Usage.of(850, 3));
    assertThat(UsageReader.agentTotal(agentWithoutUsage,
        views.attributes(kv("span.gen_ai.usage.output_tokens", "7"))))
        .isEqualTo(Usage.of(0, 7));
    // A span that is not an agent's has no agent totals, whatever it carries.
    assertThat(UsageReader.agentTotal(cycle, views.attributes(
        kv("agent.response", "done"), kv("agent.input_tokens", 4), kv("agent.output_tokens", 1))))
        .isEqualTo(Usage.of(4, 1));
    // The seed hook's defaults for a run with no result are no totals, not zero ones.
    assertThat(UsageReader.agentTotal(agentWithoutUsage, views.attributes(
        kv("agent.response", ""), kv("agent.input_tokens", 0), kv("agent.output_tokens", 0))))
        .isNull();
  }
}
