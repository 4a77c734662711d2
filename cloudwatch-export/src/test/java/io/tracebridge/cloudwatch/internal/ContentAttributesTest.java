package io.tracebridge.cloudwatch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.OtlpJson;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The content key list, tied to the golden fixture that proves nothing leaks: every listed key
 * and rule is exercised there with a {@code SECRET-...} value, so the golden check (which looks
 * for those values, not for keys) covers the whole list.
 */
class ContentAttributesTest {
  private static final Path EVERY_KEY = Path.of("src/test/resources/testdata/xray/"
      + "span_content_off_removes_every_content_key_keeps_the_rest/input.otlp.json");
  private static final ExportTraceServiceRequest REQUEST = OtlpJson.read(EVERY_KEY);

  /** One attribute of the fixture: the event name ("" on the span), its key and value. */
  private record Found(String event, String key, AnyValue value) {
    boolean secret() {
      return value.toString().contains("SECRET-");
    }
  }

  private static List<Found> attributes() {
    List<Found> found = new ArrayList<>();
    for (SpanInput input : SpanInput.flatten(REQUEST)) {
      input.span().getAttributesList().forEach(kv -> found.add(new Found("", kv.getKey(), kv.getValue())));
      for (Span.Event event : input.span().getEventsList()) {
        event.getAttributesList().forEach(kv -> found.add(new Found(event.getName(), kv.getKey(), kv.getValue())));
      }
    }
    return found;
  }

  @Test
  void everyListedKeyAndRuleIsExercisedByTheGoldenFixtureWithASecretValue() {
    List<Found> all = attributes();
    for (String key : ContentAttributes.KEYS) {
      assertThat(all).as("fixture carries %s with a SECRET value", key)
          .anyMatch(f -> f.key().equals(key) && f.secret());
    }
    for (String list : List.of("gen_ai.prompt.", "gen_ai.completion.", "llm.input_messages.", "llm.output_messages.")) {
      assertThat(all).as("fixture carries indexed %sN.* content", list)
          .anyMatch(f -> f.key().startsWith(list) && ContentAttributes.isContent(f.key()) && f.secret());
      assertThat(all).as("fixture carries indexed %sN.*.role, which stays", list)
          .anyMatch(f -> f.key().startsWith(list) && f.key().endsWith(".role") && !f.secret());
    }
    ContentAttributes.EVENT_KEYS.forEach((event, keys) -> keys.forEach(key ->
        assertThat(all).as("fixture carries %s on event %s", key, event)
            .anyMatch(f -> f.event().equals(event) && f.key().equals(key) && f.secret())));
    assertThat(all).as("fixture carries span.* copies of content on a hook event")
        .anyMatch(f -> f.key().startsWith("span.") && ContentAttributes.isContent(f.key().substring(5)) && f.secret());
  }

  @Test
  void inTheFixtureAnAttributeIsContentExactlyWhenItsValueIsASecret() {
    for (Found f : attributes()) {
      boolean content = f.event().isEmpty()
          ? ContentAttributes.isContent(f.key())
          : ContentAttributes.isEventContent(f.event(), f.key());
      assertThat(content).as("%s %s", f.event().isEmpty() ? "span attribute" : "event " + f.event(), f.key())
          .isEqualTo(f.secret());
    }
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource({
    "gen_ai.input.messages, true",
    "gen_ai.prompt, true",
    "gen_ai.prompt.0.content, true",
    "gen_ai.prompt.12.tool_calls.0.arguments, true",
    "gen_ai.prompt.0.role, false",
    "gen_ai.completion.0.finish_reason, false",
    "llm.input_messages.3.message.contents.1.message_content.image.image.url, true",
    "llm.output_messages.0.message.tool_calls.0.tool_call.id, false",
    "llm.input_messages, false",
    "input.value, true",
    "input.mime_type, false",
    "gen_ai.usage.input_tokens, false",
    "gen_ai.usage.reasoning.output_tokens, false",
    "llm.token_count.prompt, false",
    "gen_ai.request.model, false",
    "gen_ai.agent.name, false",
    "gen_ai.agent.tools, false",
    "gen_ai.tool.definitions, false",
    "gen_ai.tool.name, false",
    "gen_ai.tool.call.id, false",
    "session.id, false",
    "tool.name, false",
    "model.finish_reason, false",
    "content, false",
    "message, false",
  })
  void spanAttributeKeys(String key, boolean content) {
    assertThat(ContentAttributes.isContent(key)).isEqualTo(content);
  }

  @ParameterizedTest(name = "{0} / {1}: {2}")
  @CsvSource({
    "gen_ai.user.message, content, true",
    "gen_ai.choice, message, true",
    "gen_ai.choice, finish_reason, false",
    "gen_ai.tool.message, role, false",
    "gen_ai.tool.message, id, false",
    "log, message, false",
    "custom, content, false",
    "model_response, model.reasoning, true",
    "agent_prompt, span.gen_ai.input.messages, true",
    "agent_prompt, span.session.id, false",
    "exception, exception.message, false",
    "anything, gen_ai.output.messages, true",
  })
  void eventAttributeKeys(String event, String key, boolean content) {
    assertThat(ContentAttributes.isEventContent(event, key)).isEqualTo(content);
  }

  @Test
  void requestsAndSpansWithoutContentAreReturnedAsTheyAre() {
    ExportTraceServiceRequest plain = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
        + "server_span_500_is_fault_with_java_exception_cause/input.otlp.json"));
    assertThat(ContentAttributes.strip(plain)).isSameAs(plain);
    Span clientSpan = SpanInput.flatten(REQUEST).get(7).span();
    assertThat(ContentAttributes.strip(clientSpan)).isSameAs(clientSpan);
  }

  @Test
  void aStrippedSpanKeepsItsEventsAndCarriesOneMarker() {
    Span span = Span.newBuilder()
        .setName("chat")
        .addAttributes(kv("gen_ai.prompt", "hello"))
        .addAttributes(kv("gen_ai.request.model", "m1"))
        .addAttributes(KeyValue.newBuilder().setKey(ContentAttributes.MARKER)
            .setValue(AnyValue.newBuilder().setBoolValue(true)))
        .addEvents(Span.Event.newBuilder().setName("gen_ai.user.message").setTimeUnixNano(5).addAttributes(kv("content", "hello")))
        .addEvents(Span.Event.newBuilder().setName("retry").setTimeUnixNano(6).addAttributes(kv("attempt", "2")))
        .build();

    Span stripped = ContentAttributes.strip(span);

    assertThat(Attrs.toMap(stripped.getAttributesList())).containsOnlyKeys("gen_ai.request.model", ContentAttributes.MARKER);
    assertThat(stripped.getAttributesList()).filteredOn(a -> a.getKey().equals(ContentAttributes.MARKER)).hasSize(1);
    assertThat(stripped.getEventsList()).extracting(Span.Event::getName).containsExactly("gen_ai.user.message", "retry");
    assertThat(stripped.getEvents(0).getTimeUnixNano()).isEqualTo(5);
    assertThat(stripped.getEvents(0).getAttributesList()).isEmpty();
    assertThat(stripped.getEvents(1)).isEqualTo(span.getEvents(1));
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }
}
