package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.id;
import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenLlmetryMapperTest {
  private final Views views = new Views();
  private final OpenLlmetryMapper mapper = new OpenLlmetryMapper();

  @Test
  void entityTextIsTheOneArgumentOrTheReturnedValue() {
    assertThat(OpenLlmetryMapper.entityText("{\"args\": [\"What is 2+2?\"], \"kwargs\": {}}"))
        .isEqualTo("What is 2+2?");
    assertThat(OpenLlmetryMapper.entityText("{\"args\": [], \"kwargs\": {\"q\": {\"a\": 1}}}"))
        .isEqualTo("{\"a\":1}");
    // Several arguments, one of them a string: that one.
    assertThat(OpenLlmetryMapper.entityText(
        "{\"args\": [\"plan a trip\"], \"kwargs\": {\"max_turns\": 3}}")).isEqualTo("plan a trip");
    String two = "{\"args\": [\"a\", \"b\"], \"kwargs\": {}}";
    assertThat(OpenLlmetryMapper.entityText(two)).isEqualTo(two);
    assertThat(OpenLlmetryMapper.entityText("{\"args\": [], \"kwargs\": {}}")).isNull();
    assertThat(OpenLlmetryMapper.entityText("\"17 * 23 = 391.\"")).isEqualTo("17 * 23 = 391.");
    assertThat(OpenLlmetryMapper.entityText("{\"answer\": 391}")).isEqualTo("{\"answer\": 391}");
    // Cut by OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT: no longer JSON, kept as it is.
    assertThat(OpenLlmetryMapper.entityText("{\"args\": [\"What is")).isEqualTo("{\"args\": [\"What is");
  }

  @Test
  void flattenedMessagesInIndexOrderWithToolCallsAndContentBlocks() {
    Attributes a = views.attributes(
        kv("gen_ai.prompt.10.role", "user"), kv("gen_ai.prompt.10.content", "last"),
        kv("gen_ai.prompt.2.role", "user"),
        kv("gen_ai.prompt.2.content",
            "[{\"type\": \"text\", \"text\": \"look\"}, {\"type\": \"image_url\", \"image_url\": {}}]"),
        kv("gen_ai.prompt.3.role", "assistant"),
        kv("gen_ai.prompt.3.tool_calls.1.name", "second"),
        kv("gen_ai.prompt.3.tool_calls.0.name", "first"), kv("gen_ai.prompt.3.tool_calls.0.id", "c0"),
        kv("gen_ai.prompt.4.role", "tool"), kv("gen_ai.prompt.4.content", "[1, 2]"),
        kv("gen_ai.prompt.4.tool_call_id", "c0"),
        kv("gen_ai.prompt.prompt_filter_results", "[]"),
        kv("gen_ai.prompt.x.role", "user"));
    List<ChatMessage> messages = OpenLlmetryMapper.messages(a, "gen_ai.prompt.", "user");

    assertThat(messages).extracting(ChatMessage::role)
        .containsExactly("user", "assistant", "tool", "user");
    assertThat(messages.get(0).text()).isEqualTo("look");
    assertThat(messages.get(1).parts(ChatMessage.Kind.TOOL_CALL))
        .extracting(ChatMessage.Part::toolName).containsExactly("first", "second");
    assertThat(messages.get(2).parts()).singleElement()
        .isEqualTo(ChatMessage.Part.toolResult("c0", "[1, 2]", null));
    assertThat(messages.get(3).text()).isEqualTo("last");
  }

  @Test
  void semconvShapedSpansOfLaterReleasesAreLeftToTheGenAiMapper() {
    Span semconv = span("openai.chat")
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.input.messages", "[]"))
        .addAttributes(kv("traceloop.workflow.name", "w"))
        .build();
    Span transitional = semconv.toBuilder().addAttributes(kv("llm.request.type", "chat")).build();
    Span embedding = span("openai.embeddings")
        .addAttributes(kv("llm.request.type", "embedding"))
        .addAttributes(kv("gen_ai.prompt.0.content", "embed me"))
        .build();

    assertThat(mapper.map(views.of(semconv))).isEmpty();
    assertThat(mapper.map(views.of(transitional))).isEmpty();
    assertThat(mapper.map(views.of(embedding))).isEmpty();
  }

  @Test
  void nestedWorkflowTaskAndToolSpansGiveNothingButTheirErrors() {
    Span.Builder tool = span("calculate.tool")
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("traceloop.span.kind", "tool"))
        .addAttributes(kv("traceloop.entity.input", "{\"args\": [], \"kwargs\": {\"x\": 1}}"));
    Span nestedWorkflow = span("inner.workflow")
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("traceloop.span.kind", "workflow"))
        .addAttributes(kv("traceloop.entity.input", "{\"args\": [\"q\"], \"kwargs\": {}}"))
        .build();
    assertThat(mapper.map(views.of(tool.build()))).isEmpty();
    assertThat(mapper.map(views.of(nestedWorkflow))).isEmpty();

    Span failed = tool.setStatus(Status.newBuilder()
            .setCode(Status.StatusCode.STATUS_CODE_ERROR).setMessage("boom")).build();
    assertThat(mapper.map(views.of(failed))).singleElement().satisfies(r -> {
      assertThat(r.type()).isEqualTo(RecordType.ERROR);
      assertThat(r.dialect()).isEqualTo(Dialect.OPENLLMETRY);
      assertThat(r.error().message()).isEqualTo("boom");
    });
  }

  @Test
  void agentSpanGivesPromptAndResponseWherever() {
    Span agent = span("planner.agent")
        .setParentSpanId(id("a1b2c3d4e5f60000"))
        .addAttributes(kv("traceloop.span.kind", "agent"))
        .addAttributes(kv("traceloop.entity.input", "{\"args\": [\"plan\"], \"kwargs\": {}}"))
        .addAttributes(kv("traceloop.entity.output", "\"done\""))
        .build();
    assertThat(mapper.map(views.of(agent)))
        .extracting(FunctionalRecord::type, FunctionalRecord::text)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RecordType.PROMPT, "plan"),
            org.assertj.core.groups.Tuple.tuple(RecordType.RESPONSE, "done"));
  }
}
