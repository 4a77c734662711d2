package io.tracebridge.genai;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.semconv.ErrorAttributes;
import io.opentelemetry.semconv.ExceptionAttributes;
import io.opentelemetry.semconv.ServiceAttributes;
import io.opentelemetry.semconv.incubating.EventIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes;
import io.opentelemetry.semconv.incubating.GenAiIncubatingAttributes.GenAiOperationNameIncubatingValues;
import io.opentelemetry.semconv.incubating.SessionIncubatingAttributes;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The vocabulary's standard keys are the semconv artifacts' constants, and each still has the wire
 * name TraceBridge has always read and written (a semconv release that renamed one would change
 * what the mapper reads from producers that did not move; this test says so first).
 */
@SuppressWarnings("deprecation")
class GenAiTest {

  static Stream<Arguments> standardKeys() {
    return Stream.of(
        standard(GenAi.OPERATION_NAME, GenAiIncubatingAttributes.GEN_AI_OPERATION_NAME, "gen_ai.operation.name"),
        standard(GenAi.PROVIDER_NAME, GenAiIncubatingAttributes.GEN_AI_PROVIDER_NAME, "gen_ai.provider.name"),
        standard(GenAi.SYSTEM, GenAiIncubatingAttributes.GEN_AI_SYSTEM, "gen_ai.system"),
        standard(GenAi.REQUEST_MODEL, GenAiIncubatingAttributes.GEN_AI_REQUEST_MODEL, "gen_ai.request.model"),
        standard(GenAi.RESPONSE_MODEL, GenAiIncubatingAttributes.GEN_AI_RESPONSE_MODEL, "gen_ai.response.model"),
        standard(GenAi.RESPONSE_FINISH_REASONS, GenAiIncubatingAttributes.GEN_AI_RESPONSE_FINISH_REASONS,
            "gen_ai.response.finish_reasons"),
        standard(GenAi.AGENT_NAME, GenAiIncubatingAttributes.GEN_AI_AGENT_NAME, "gen_ai.agent.name"),
        standard(GenAi.AGENT_ID, GenAiIncubatingAttributes.GEN_AI_AGENT_ID, "gen_ai.agent.id"),
        standard(GenAi.CONVERSATION_ID, GenAiIncubatingAttributes.GEN_AI_CONVERSATION_ID, "gen_ai.conversation.id"),
        standard(GenAi.TOOL_NAME, GenAiIncubatingAttributes.GEN_AI_TOOL_NAME, "gen_ai.tool.name"),
        standard(GenAi.TOOL_CALL_ID, GenAiIncubatingAttributes.GEN_AI_TOOL_CALL_ID, "gen_ai.tool.call.id"),
        standard(GenAi.USAGE_INPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_INPUT_TOKENS,
            "gen_ai.usage.input_tokens"),
        standard(GenAi.USAGE_OUTPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_OUTPUT_TOKENS,
            "gen_ai.usage.output_tokens"),
        standard(GenAi.USAGE_PROMPT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_PROMPT_TOKENS,
            "gen_ai.usage.prompt_tokens"),
        standard(GenAi.USAGE_COMPLETION_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_COMPLETION_TOKENS,
            "gen_ai.usage.completion_tokens"),
        standard(GenAi.USAGE_CACHE_READ_INPUT_TOKENS, GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
            "gen_ai.usage.cache_read.input_tokens"),
        standard(GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS,
            GenAiIncubatingAttributes.GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
            "gen_ai.usage.cache_creation.input_tokens"),
        standard(GenAi.USAGE_REASONING_OUTPUT_TOKENS,
            GenAiIncubatingAttributes.GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
            "gen_ai.usage.reasoning.output_tokens"),
        standard(GenAi.PROMPT, GenAiIncubatingAttributes.GEN_AI_PROMPT, "gen_ai.prompt"),
        standard(GenAi.COMPLETION, GenAiIncubatingAttributes.GEN_AI_COMPLETION, "gen_ai.completion"),
        standard(GenAi.SESSION_ID, SessionIncubatingAttributes.SESSION_ID, "session.id"),
        standard(GenAi.EVENT_NAME, EventIncubatingAttributes.EVENT_NAME, "event.name"),
        standard(GenAi.ERROR_TYPE, ErrorAttributes.ERROR_TYPE, "error.type"),
        standard(GenAi.EXCEPTION_TYPE, ExceptionAttributes.EXCEPTION_TYPE, "exception.type"),
        standard(GenAi.EXCEPTION_MESSAGE, ExceptionAttributes.EXCEPTION_MESSAGE, "exception.message"),
        standard(GenAi.SERVICE_NAME, ServiceAttributes.SERVICE_NAME, "service.name"));
  }

  private static Arguments standard(String ours, AttributeKey<?> semconv, String wire) {
    return Arguments.of(wire, ours, semconv.getKey());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("standardKeys")
  void standardKeysAreTheSemconvConstants(String wire, String ours, String semconv) {
    assertThat(ours).isEqualTo(semconv).isEqualTo(wire);
  }

  @Test
  void operationNamesAreTheSemconvValues() {
    assertThat(List.of(GenAi.OP_CHAT, GenAi.OP_TEXT_COMPLETION, GenAi.OP_GENERATE_CONTENT,
            GenAi.OP_INVOKE_AGENT, GenAi.OP_CREATE_AGENT, GenAi.OP_EXECUTE_TOOL))
        .containsExactly(GenAiOperationNameIncubatingValues.CHAT,
            GenAiOperationNameIncubatingValues.TEXT_COMPLETION,
            GenAiOperationNameIncubatingValues.GENERATE_CONTENT,
            GenAiOperationNameIncubatingValues.INVOKE_AGENT,
            GenAiOperationNameIncubatingValues.CREATE_AGENT,
            GenAiOperationNameIncubatingValues.EXECUTE_TOOL)
        .containsExactly("chat", "text_completion", "generate_content", "invoke_agent",
            "create_agent", "execute_tool");
  }

  @Test
  void everyStandardKeyOfGenAiIsChecked() throws IllegalAccessException {
    // A key added to GenAi from the semconv artifacts must be added to standardKeys() too; the
    // keys GenAi defines itself (not in the Java artifacts) are exactly these.
    List<String> checked = standardKeys().map(a -> (String) a.get()[1]).toList();
    List<String> unchecked = new ArrayList<>();
    for (Field f : GenAi.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
          && !f.getName().startsWith("OP_") && !checked.contains((String) f.get(null))) {
        unchecked.add(f.getName());
      }
    }
    assertThat(unchecked).containsExactlyInAnyOrder(
        "INPUT_MESSAGES", "OUTPUT_MESSAGES", "SYSTEM_INSTRUCTIONS", "TOOL_DEFINITIONS",
        "TOOL_CALL_ARGUMENTS", "TOOL_CALL_RESULT", "EVENT_OPERATION_DETAILS",
        "EVENT_SYSTEM_MESSAGE", "EVENT_USER_MESSAGE", "EVENT_ASSISTANT_MESSAGE",
        "EVENT_TOOL_MESSAGE", "EVENT_CHOICE", "EVENT_EXCEPTION", "USAGE_TOTAL_TOKENS",
        "USAGE_CACHE_CREATION_INPUT_TOKENS_UNDERSCORE", "USAGE_OUTPUT_DETAILS_REASONING_TOKENS",
        "PROMPT_PREFIX", "COMPLETION_PREFIX");
  }

  @Test
  void noTwoConstantsOfTheVocabularyNameDifferentThingsAlike() throws IllegalAccessException {
    // Within one class a wire name is declared once (two conventions may share one, such as
    // OpenInference's and the hook's tool.name, but then in different classes).
    for (Class<?> c : List.of(GenAi.class, Strands.class, OpenInference.class, OpenLlmetry.class,
        HookEvents.class, TraceBridgeKeys.class)) {
      Map<String, String> seen = new HashMap<>();
      for (Field f : c.getFields()) {
        if (f.getType() == String.class) {
          String value = (String) f.get(null);
          assertThat(seen.put(value, f.getName()))
              .as("%s.%s repeats %s", c.getSimpleName(), f.getName(), value).isNull();
        }
      }
    }
  }
}
