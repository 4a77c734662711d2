package io.tracebridge.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Realistic agent spans per input convention, built in code (shapes as the span-mapper fixtures
 * captured from the real producers): each request is one trace of {@code chatSpans} {@code chat}
 * spans, each carrying a few KB of messages (a system prompt, the user's question, the history so
 * far, the answer) and token usage. Deterministic for a given seed.
 */
public final class AgentSpans {
  /** The conventions of PRODUCT.md that live on spans (ADOT content logs are log records). */
  public enum Convention {
    HOOK_EVENTS,
    STRANDS_DEFAULT,
    STRANDS_LATEST,
    GENAI_SEMCONV,
    OPENINFERENCE
  }

  private static final long START = 1_767_225_600_000_000_000L;
  private static final String SYSTEM = "You are a careful travel assistant. Use the tools to check "
      + "availability and prices before you answer. Never invent a booking reference. ";
  private static final String[] WORDS = {"flight", "Lisbon", "hotel", "tomorrow", "price", "budget",
      "the", "a", "and", "check", "available", "room", "seat", "window", "breakfast", "refund",
      "policy", "morning", "evening", "confirm"};

  private AgentSpans() {}

  /** One trace of {@code chatSpans} chat spans of {@code convention}, ~{@code kb} KB each. */
  public static ExportTraceServiceRequest request(
      Convention convention, int chatSpans, int kb, long seed) {
    Random random = new Random(seed);
    ByteString traceId = id(random, 16);
    ByteString rootId = id(random, 8);
    ScopeSpans.Builder scope = ScopeSpans.newBuilder()
        .setScope(InstrumentationScope.newBuilder().setName(scopeName(convention)));
    for (int i = 0; i < chatSpans; i++) {
      String history = text(random, kb * 1024 - SYSTEM.length() - 400);
      String question = "Find me a " + text(random, 120) + "?";
      String answer = "Here is what I found: " + text(random, 300);
      Span.Builder span = Span.newBuilder()
          .setTraceId(traceId)
          .setSpanId(id(random, 8))
          .setParentSpanId(rootId)
          .setName(convention == Convention.OPENINFERENCE ? "ChatCompletion" : "chat")
          .setKind(Span.SpanKind.SPAN_KIND_CLIENT)
          .setStartTimeUnixNano(START + i * 1_000_000_000L)
          .setEndTimeUnixNano(START + i * 1_000_000_000L + 800_000_000L)
          .addAttributes(kv("session.id", "session-bench-1"));
      switch (convention) {
        case HOOK_EVENTS -> hookEvents(span, history, question, answer);
        case STRANDS_DEFAULT -> strandsDefault(span, history, question, answer);
        case STRANDS_LATEST -> strandsLatest(span, history, question, answer);
        case GENAI_SEMCONV -> genAiSemconv(span, history, question, answer);
        case OPENINFERENCE -> openInference(span, history, question, answer);
        default -> throw new IllegalArgumentException(convention.name());
      }
      scope.addSpans(span);
    }
    return ExportTraceServiceRequest.newBuilder()
        .addResourceSpans(ResourceSpans.newBuilder()
            .setResource(Resource.newBuilder()
                .addAttributes(kv("service.name", "bench-agent"))
                .addAttributes(kv("telemetry.sdk.language", "python")))
            .addScopeSpans(scope))
        .build();
  }

  private static void hookEvents(Span.Builder span, String history, String q, String a) {
    usageOld(span.addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.system", "strands-agents"))
        .addAttributes(kv("gen_ai.request.model", "us.anthropic.claude-sonnet-4-20250514-v1:0")));
    span.addEvents(event("gen_ai.user.message", kv("content", json("[{\"text\": %s}]", q))));
    span.addEvents(event("model_request",
        kv("model.name", "us.anthropic.claude-sonnet-4-20250514-v1:0"),
        kv("model.prompt", SYSTEM + history + q),
        kv("model.messages_count", 12)));
    span.addEvents(event("model_response",
        kv("model.response", a), kv("model.finish_reason", "end_turn")));
  }

  private static void strandsDefault(Span.Builder span, String history, String q, String a) {
    usageOld(span.addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.system", "strands-agents"))
        .addAttributes(kv("gen_ai.request.model", "us.anthropic.claude-sonnet-4-20250514-v1:0")));
    span.addEvents(event("gen_ai.system.message", kv("content", json("[{\"text\": %s}]", SYSTEM))));
    span.addEvents(event("gen_ai.user.message", kv("content", json("[{\"text\": %s}]", history))));
    span.addEvents(event("gen_ai.assistant.message", kv("content", json("[{\"text\": %s}]", "Sure."))));
    span.addEvents(event("gen_ai.user.message", kv("content", json("[{\"text\": %s}]", q))));
    span.addEvents(event("gen_ai.choice", kv("finish_reason", "end_turn"),
        kv("message", "[{\"reasoningContent\": {\"reasoningText\": {\"text\": "
            + quote("I should compare the options first.") + "}}}, {\"text\": " + quote(a) + "}]")));
  }

  private static void strandsLatest(Span.Builder span, String history, String q, String a) {
    span.addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.provider.name", "strands-agents"))
        .addAttributes(kv("gen_ai.request.model", "us.anthropic.claude-sonnet-4-20250514-v1:0"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 1350))
        .addAttributes(kv("gen_ai.usage.output_tokens", 45))
        .addAttributes(kv("gen_ai.usage.cache_read.input_tokens", 1000))
        .addAttributes(kv("gen_ai.usage.cache_creation.input_tokens", 150));
    span.addEvents(event("gen_ai.client.inference.operation.details",
        kv("gen_ai.system_instructions", "[{\"type\": \"text\", \"content\": " + quote(SYSTEM) + "}]")));
    span.addEvents(event("gen_ai.client.inference.operation.details",
        kv("gen_ai.input.messages", "[{\"role\": \"user\", \"parts\": [{\"type\": \"text\", "
            + "\"content\": " + quote(history) + "}]}, {\"role\": \"user\", \"parts\": [{\"type\": "
            + "\"text\", \"content\": " + quote(q) + "}]}]")));
    span.addEvents(event("gen_ai.client.inference.operation.details",
        kv("gen_ai.output.messages", "[{\"role\": \"assistant\", \"parts\": [{\"type\": "
            + "\"reasoningContent\", \"content\": {\"reasoningText\": {\"text\": "
            + quote("I should compare the options first.") + "}}}, {\"type\": \"text\", "
            + "\"content\": " + quote(a) + "}], \"finish_reason\": \"end_turn\"}]")));
  }

  private static void genAiSemconv(Span.Builder span, String history, String q, String a) {
    span.addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.provider.name", "openai"))
        .addAttributes(kv("gen_ai.request.model", "gpt-4o"))
        .addAttributes(kv("gen_ai.response.model", "gpt-4o-2024-08-06"))
        .addAttributes(kv("gen_ai.usage.input_tokens", 1200))
        .addAttributes(kv("gen_ai.usage.output_tokens", 45))
        .addAttributes(kv("gen_ai.usage.cache_read.input_tokens", 1000))
        .addAttributes(kv("gen_ai.system_instructions",
            "[{\"type\": \"text\", \"content\": " + quote(SYSTEM) + "}]"))
        .addAttributes(kv("gen_ai.input.messages", "[{\"role\": \"user\", \"parts\": [{\"type\": "
            + "\"text\", \"content\": " + quote(history) + "}]}, {\"role\": \"user\", \"parts\": "
            + "[{\"type\": \"text\", \"content\": " + quote(q) + "}]}]"))
        .addAttributes(kv("gen_ai.output.messages", "[{\"role\": \"assistant\", \"parts\": "
            + "[{\"type\": \"reasoning\", \"content\": " + quote("Compare first.") + "}, "
            + "{\"type\": \"text\", \"content\": " + quote(a) + "}], \"finish_reason\": \"stop\"}]"));
  }

  private static void openInference(Span.Builder span, String history, String q, String a) {
    span.addAttributes(kv("openinference.span.kind", "LLM"))
        .addAttributes(kv("llm.model_name", "gpt-4o"))
        .addAttributes(kv("llm.system", "openai"))
        .addAttributes(kv("input.value", "{\"messages\":[{\"role\":\"system\",\"content\":"
            + quote(SYSTEM) + "},{\"role\":\"user\",\"content\":" + quote(history + q) + "}]}"))
        .addAttributes(kv("input.mime_type", "application/json"))
        .addAttributes(kv("llm.input_messages.0.message.role", "system"))
        .addAttributes(kv("llm.input_messages.0.message.content", SYSTEM))
        .addAttributes(kv("llm.input_messages.1.message.role", "user"))
        .addAttributes(kv("llm.input_messages.1.message.content", history))
        .addAttributes(kv("llm.input_messages.2.message.role", "user"))
        .addAttributes(kv("llm.input_messages.2.message.content", q))
        .addAttributes(kv("output.value", a))
        .addAttributes(kv("llm.output_messages.0.message.role", "assistant"))
        .addAttributes(kv("llm.output_messages.0.message.content", a))
        .addAttributes(kv("llm.finish_reason", "stop"))
        .addAttributes(kv("llm.token_count.prompt", 1200))
        .addAttributes(kv("llm.token_count.completion", 45))
        .addAttributes(kv("llm.token_count.total", 1245))
        .addAttributes(kv("llm.token_count.prompt_details.cache_read", 1000));
  }

  private static void usageOld(Span.Builder span) {
    span.addAttributes(kv("gen_ai.usage.prompt_tokens", 1250))
        .addAttributes(kv("gen_ai.usage.input_tokens", 1250))
        .addAttributes(kv("gen_ai.usage.completion_tokens", 87))
        .addAttributes(kv("gen_ai.usage.output_tokens", 87))
        .addAttributes(kv("gen_ai.usage.total_tokens", 1337))
        .addAttributes(kv("gen_ai.usage.cache_read_input_tokens", 1024))
        .addAttributes(kv("gen_ai.usage.cache_write_input_tokens", 310));
  }

  private static String scopeName(Convention convention) {
    return switch (convention) {
      case HOOK_EVENTS, STRANDS_DEFAULT, STRANDS_LATEST -> "strands.telemetry.tracer";
      case GENAI_SEMCONV -> "@opentelemetry/instrumentation-openai";
      case OPENINFERENCE -> "@arizeai/openinference-instrumentation-openai";
    };
  }

  private static Span.Event event(String name, KeyValue... attributes) {
    Span.Event.Builder e = Span.Event.newBuilder().setName(name).setTimeUnixNano(START);
    for (KeyValue kv : attributes) {
      e.addAttributes(kv);
    }
    return e.build();
  }

  static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  static KeyValue kv(String key, long value) {
    return KeyValue.newBuilder().setKey(key)
        .setValue(AnyValue.newBuilder().setIntValue(value)).build();
  }

  private static String json(String template, String text) {
    return String.format(template, quote(text));
  }

  /** {@code s} as a JSON string literal (the texts hold letters, spaces and punctuation only). */
  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String text(Random random, int chars) {
    StringBuilder sb = new StringBuilder(chars + 16);
    while (sb.length() < chars) {
      sb.append(WORDS[random.nextInt(WORDS.length)]).append(random.nextInt(12) == 0 ? ". " : " ");
    }
    return sb.toString();
  }

  private static ByteString id(Random random, int bytes) {
    byte[] b = new byte[bytes];
    random.nextBytes(b);
    b[0] |= 1;
    return ByteString.copyFrom(ByteBuffer.wrap(b));
  }
}
