package io.tracebridge.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.runtime.core.ContentBlock;
import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.Role;
import io.tracebridge.runtime.core.StopReason;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.opentelemetry.api.common.Attributes;
import io.tracebridge.runtime.telemetry.ClientSpans;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.annotation.Nullable;

/**
 * Any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama, LiteLLM, ...): {@code
 * POST {baseUrl}/chat/completions}, non-streaming, with {@code Authorization: Bearer <apiKey>}
 * when a key is set.
 *
 * <p>Request: the system prompt as a {@code system} message; user text as {@code user} messages;
 * assistant turns with {@code tool_calls} ({@code arguments} as JSON text); each tool result as a
 * {@code tool} message with its {@code tool_call_id}; tools as {@code {type:function,
 * function:{name, description, parameters}}}; the token limit as {@code max_tokens} (or {@code
 * max_completion_tokens}, see {@link Builder#maxTokensField}). Reasoning blocks are not sent back.
 *
 * <p>Response: {@code content} → text; {@code tool_calls} → tool uses; {@code reasoning_content}
 * (vLLM, DeepSeek) or {@code reasoning} (Ollama, OpenRouter) → reasoning; {@code finish_reason}
 * {@code stop} → end turn (stop sequence when the server names the matched {@code stop_reason},
 * as vLLM does), {@code tool_calls} → tool use (also when tool calls come with another finish
 * reason), {@code length} → max tokens. Usage: {@code prompt_tokens} (includes cached), {@code
 * completion_tokens} (includes reasoning), {@code prompt_tokens_details.cached_tokens} → cache
 * read, {@code completion_tokens_details.reasoning_tokens} → reasoning tokens, where reported.
 *
 * <p>Failures (transport, non-2xx, malformed body) become {@link ModelException} with the status
 * and the server's error message, never the prompt. Thread-safe; blocks the calling thread.
 */
public final class OpenAiCompatibleModel implements Model {
  /** {@code MODEL_ID} prefix selecting this model: {@code openai:<model>}. */
  public static final String PREFIX = "openai:";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(5);
  public static final String MAX_TOKENS = "max_tokens";
  public static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";

  private final URI endpoint;
  private final String model;
  private final String provider;
  private final @Nullable String apiKey;
  private final String maxTokensField;
  private final JsonPost http;

  private OpenAiCompatibleModel(Builder b) {
    String base = b.baseUrl.endsWith("/") ? b.baseUrl.substring(0, b.baseUrl.length() - 1) : b.baseUrl;
    this.endpoint = URI.create(base + "/chat/completions");
    this.model = b.model;
    this.apiKey = b.apiKey;
    this.maxTokensField = b.maxTokensField;
    this.http = new JsonPost("OpenAI-compatible endpoint", b.timeout);
    this.provider = b.provider != null ? b.provider : ClientSpans.httpProvider(endpoint, "openai_compatible");
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String modelId() {
    return model;
  }

  /** The chat-completions URL requests go to. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ObjectNode body = requestBody(messages, tools, systemPrompt, options);
    // A CLIENT span for the trace map (the endpoint as a node); usage stays on the chat span.
    Attributes attributes = ClientSpans.server(Attributes.builder(), endpoint)
        .put(ClientSpans.HTTP_METHOD, "POST")
        .put(ClientSpans.PEER_SERVICE, peerService())
        .put(ClientSpans.GEN_AI_SYSTEM, provider)
        .put(ClientSpans.GEN_AI_PROVIDER, provider)
        .put(ClientSpans.GEN_AI_REQUEST_MODEL, model)
        .build();
    JsonNode json = ClientSpans.call(peerService() + ".ChatCompletions", attributes, () ->
        http.post(endpoint, apiKey == null ? Map.of() : Map.of("authorization", "Bearer " + apiKey), body));
    return parse(json);
  }

  /** How the trace map names the endpoint: {@code OpenAI}, {@code Gemini}, else the provider's name. */
  String peerService() {
    return switch (provider) {
      case "openai" -> "OpenAI";
      case "gemini", "gcp.gemini" -> "Gemini";
      default -> provider;
    };
  }

  ObjectNode requestBody(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ObjectNode body = Json.object().put("model", model).put("stream", false);
    ArrayNode out = body.putArray("messages");
    if (systemPrompt != null) {
      out.addObject().put("role", "system").put("content", systemPrompt);
    }
    for (Message m : messages) {
      if (m.role() == Role.ASSISTANT) {
        ObjectNode msg = out.addObject().put("role", "assistant");
        String text = m.text();
        if (text.isEmpty()) {
          msg.putNull("content");
        } else {
          msg.put("content", text);
        }
        List<ContentBlock.ToolUse> uses = m.toolUses();
        if (!uses.isEmpty()) {
          ArrayNode calls = msg.putArray("tool_calls");
          for (ContentBlock.ToolUse u : uses) {
            calls.addObject()
                .put("id", u.toolUseId())
                .put("type", "function")
                .putObject("function")
                .put("name", u.name())
                .put("arguments", Json.write(u.input()));
          }
        }
      } else {
        for (ContentBlock.ToolResultBlock r : m.toolResults()) {
          out.addObject().put("role", "tool").put("tool_call_id", r.toolUseId()).put("content", r.content());
        }
        String text = m.text();
        if (!text.isEmpty() || m.toolResults().isEmpty()) {
          out.addObject().put("role", "user").put("content", text);
        }
      }
    }
    if (!tools.isEmpty()) {
      ArrayNode specs = body.putArray("tools");
      for (ToolSpec t : tools) {
        ObjectNode fn = specs.addObject().put("type", "function").putObject("function");
        fn.put("name", t.name()).put("description", t.description());
        fn.set("parameters", t.inputSchema().deepCopy());
      }
    }
    body.put(maxTokensField, options.maxTokens());
    return body;
  }

  static ModelResponse parse(JsonNode json) {
    JsonNode choice = json.path("choices").path(0);
    if (choice.isMissingNode()) {
      throw new ModelException("OpenAI-compatible response has no choices");
    }
    JsonNode message = choice.path("message");
    List<ContentBlock> content = new ArrayList<>();
    String reasoning = text(message.path("reasoning_content"));
    if (reasoning == null) {
      reasoning = text(message.path("reasoning"));
    }
    if (reasoning != null) {
      content.add(ContentBlock.reasoning(reasoning));
    }
    String text = text(message.path("content"));
    if (text != null) {
      content.add(ContentBlock.text(text));
    }
    boolean toolCalls = false;
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode fn = call.path("function");
      String id = call.path("id").asText("");
      content.add(
          ContentBlock.toolUse(
              id.isEmpty() ? "call_" + UUID.randomUUID() : id, fn.path("name").asText(), arguments(fn.path("arguments"))));
      toolCalls = true;
    }
    return new ModelResponse(content, stopReason(choice, toolCalls), usage(json.path("usage")));
  }

  private static StopReason stopReason(JsonNode choice, boolean toolCalls) {
    String finish = choice.path("finish_reason").asText("");
    if (toolCalls || finish.equals("tool_calls") || finish.equals("function_call")) {
      return StopReason.TOOL_USE;
    }
    if (finish.equals("length")) {
      return StopReason.MAX_TOKENS;
    }
    if (choice.path("stop_reason").isTextual()) {
      return StopReason.STOP_SEQUENCE;
    }
    return StopReason.END_TURN;
  }

  private static JsonNode arguments(JsonNode arguments) {
    if (arguments.isObject()) {
      return arguments;
    }
    String raw = arguments.asText("");
    if (raw.isBlank()) {
      return Json.object();
    }
    try {
      return Json.read(raw);
    } catch (JsonProcessingException e) {
      return Json.MAPPER.getNodeFactory().textNode(raw);
    }
  }

  static Usage usage(JsonNode u) {
    return new Usage(
        u.path("prompt_tokens").asLong(0),
        u.path("completion_tokens").asLong(0),
        u.path("prompt_tokens_details").path("cached_tokens").asLong(0),
        0,
        u.path("completion_tokens_details").path("reasoning_tokens").asLong(0));
  }

  private static @Nullable String text(JsonNode node) {
    return node.isTextual() && !node.asText().isEmpty() ? node.asText() : null;
  }

  @Override
  public String toString() {
    return "OpenAiCompatibleModel{" + model + " at " + endpoint + ", apiKey=" + (apiKey == null ? "none" : "****") + "}";
  }

  /** Builds an {@link OpenAiCompatibleModel}; {@link #build()} validates. */
  public static final class Builder {
    private @Nullable String baseUrl;
    private @Nullable String model;
    private @Nullable String provider;
    private @Nullable String apiKey;
    private String maxTokensField = MAX_TOKENS;
    private Duration timeout = DEFAULT_TIMEOUT;

    private Builder() {}

    /** The API base, e.g. {@code http://127.0.0.1:11434/v1} (required). */
    public Builder baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "OPENAI_BASE_URL");
      return this;
    }

    /** The provider's name (the {@code MODEL_ID} prefix: {@code openai}, {@code groq}, ...), for the client span. */
    public Builder provider(@Nullable String provider) {
      this.provider = provider;
      return this;
    }

    /** The model name sent as {@code model} (required). */
    public Builder model(String model) {
      this.model = Objects.requireNonNull(model, "model");
      return this;
    }

    /** Bearer token; null sends no Authorization header (local servers). */
    public Builder apiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
      return this;
    }

    /** {@value #MAX_TOKENS} (default; vLLM, Ollama) or {@value #MAX_COMPLETION_TOKENS} (newer OpenAI models). */
    public Builder maxTokensField(String field) {
      this.maxTokensField = Objects.requireNonNull(field, "OPENAI_MAX_TOKENS_FIELD");
      return this;
    }

    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /** @throws IllegalArgumentException naming the setting that is missing or invalid */
    public OpenAiCompatibleModel build() {
      if (baseUrl == null || baseUrl.isBlank()) {
        throw new IllegalArgumentException("OPENAI_BASE_URL must be set for an openai: model");
      }
      URI uri;
      try {
        uri = URI.create(baseUrl);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("OPENAI_BASE_URL is not a URL: '" + baseUrl + "'");
      }
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
        throw new IllegalArgumentException("OPENAI_BASE_URL must be http or https, got '" + baseUrl + "'");
      }
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("MODEL_ID must name the model after 'openai:'");
      }
      if (!maxTokensField.equals(MAX_TOKENS) && !maxTokensField.equals(MAX_COMPLETION_TOKENS)) {
        throw new IllegalArgumentException(
            "OPENAI_MAX_TOKENS_FIELD must be " + MAX_TOKENS + " or " + MAX_COMPLETION_TOKENS + ", got '" + maxTokensField + "'");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("timeout must be positive");
      }
      return new OpenAiCompatibleModel(this);
    }
  }
}
