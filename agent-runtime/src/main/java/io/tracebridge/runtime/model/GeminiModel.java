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
import io.tracebridge.runtime.core.ToolStatus;
import io.tracebridge.mapper.Usage;
import io.tracebridge.runtime.internal.Json;
import io.opentelemetry.api.common.Attributes;
import io.tracebridge.runtime.telemetry.ClientSpans;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import javax.annotation.Nullable;

/**
 * Gemini through its own {@code generateContent} REST API: {@code POST
 * {baseUrl}/v1beta/models/{model}:generateContent} with header {@code x-goog-api-key}. Selected
 * by model id {@code gemini-native:<model>}; {@code gemini:<model>} stays on Gemini's
 * OpenAI-compatible API ({@link OpenAiProvider#GEMINI}).
 *
 * <p>Request: the system prompt as {@code systemInstruction}; messages as {@code contents} with
 * role {@code user} or {@code model}; assistant text as {@code text} parts, tool uses as {@code
 * functionCall {name, args}} parts; each tool result as a {@code functionResponse {name,
 * response}} part (Gemini wants the function's name, looked up from the matching tool use, and an
 * object: a JSON-object result is sent as is, anything else as {@code {"result": ...}} or, for a
 * failed tool, {@code {"error": ...}}); tools as one {@code functionDeclarations} list; the token
 * limit as {@code generationConfig.maxOutputTokens}. Reasoning is not sent back.
 *
 * <p>Response: {@code candidates[0].content.parts}: {@code text} → text ({@code thought: true} →
 * reasoning), {@code functionCall} → tool use (its {@code id} when Gemini gives one, else a
 * generated one). {@code finishReason} {@code MAX_TOKENS} → max tokens; tool calls → tool use;
 * anything else → end turn. Usage: {@code promptTokenCount} (includes cached) → input, {@code
 * candidatesTokenCount} plus {@code thoughtsTokenCount} → output (Gemini counts thoughts apart;
 * {@link Usage} counts reasoning inside output), {@code cachedContentTokenCount} → cache read,
 * {@code thoughtsTokenCount} → reasoning tokens.
 *
 * <p>Traced like every model: the agent's model-call spans and usage attributes come from {@link
 * Model#modelId()} and the returned {@link Usage}. Failures become {@link ModelException} (see
 * {@link JsonPost}). Thread-safe; blocks the calling thread.
 */
public final class GeminiModel implements Model {
  /** Model id prefix selecting this model: {@code gemini-native:<model>}. */
  public static final String PREFIX = "gemini-native:";
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

  private final URI endpoint;
  private final String model;
  private final @Nullable String apiKey;
  private final JsonPost http;

  /**
   * @param baseUrl API root, e.g. {@value #DEFAULT_BASE_URL}
   * @param apiKey sent as {@code x-goog-api-key}; null sends none
   * @throws IllegalArgumentException naming the setting that is invalid
   */
  public GeminiModel(String baseUrl, String model, @Nullable String apiKey, Duration timeout) {
    Objects.requireNonNull(baseUrl, "GEMINI_NATIVE_BASE_URL");
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("MODEL_ID must name the model after '" + PREFIX + "'");
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    try {
      this.endpoint = URI.create(base + "/v1beta/models/" + model + ":generateContent");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("GEMINI_NATIVE_BASE_URL or model is not valid in a URL: '" + base + "', '" + model + "'");
    }
    if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
      throw new IllegalArgumentException("GEMINI_NATIVE_BASE_URL must be http or https, got '" + baseUrl + "'");
    }
    this.model = model;
    this.apiKey = apiKey;
    this.http = new JsonPost("Gemini endpoint", timeout);
  }

  @Override
  public String modelId() {
    return model;
  }

  /** The generateContent URL requests go to. */
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ObjectNode body = requestBody(messages, tools, systemPrompt, options);
    // A CLIENT span for the trace map (Gemini as a node); usage stays on the chat span.
    Attributes attributes = ClientSpans.server(Attributes.builder(), endpoint)
        .put(ClientSpans.HTTP_METHOD, "POST")
        .put(ClientSpans.PEER_SERVICE, "Gemini")
        .put(ClientSpans.RPC_METHOD, "generateContent")
        .put(ClientSpans.GEN_AI_SYSTEM, "gcp.gemini")
        .put(ClientSpans.GEN_AI_PROVIDER, "gcp.gemini")
        .put(ClientSpans.GEN_AI_REQUEST_MODEL, model)
        .build();
    return parse(ClientSpans.call("Gemini.GenerateContent", attributes, () ->
        http.post(endpoint, apiKey == null ? Map.of() : Map.of("x-goog-api-key", apiKey), body)));
  }

  static ObjectNode requestBody(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ObjectNode body = Json.object();
    if (systemPrompt != null) {
      body.putObject("systemInstruction").putArray("parts").addObject().put("text", systemPrompt);
    }
    ArrayNode contents = body.putArray("contents");
    Map<String, String> toolNames = new HashMap<>();
    for (Message m : messages) {
      ObjectNode content = Json.object().put("role", m.role() == Role.ASSISTANT ? "model" : "user");
      ArrayNode parts = content.putArray("parts");
      for (ContentBlock block : m.content()) {
        if (block instanceof ContentBlock.Text t) {
          parts.addObject().put("text", t.text());
        } else if (block instanceof ContentBlock.ToolUse u) {
          toolNames.put(u.toolUseId(), u.name());
          ObjectNode call = parts.addObject().putObject("functionCall").put("name", u.name());
          call.set("args", u.input().isObject() ? u.input().deepCopy() : Json.object());
        } else if (block instanceof ContentBlock.ToolResultBlock r) {
          ObjectNode response = parts.addObject().putObject("functionResponse")
              .put("name", toolNames.getOrDefault(r.toolUseId(), r.toolUseId()));
          response.set("response", response(r));
        }
      }
      if (!parts.isEmpty()) {
        contents.add(content);
      }
    }
    if (!tools.isEmpty()) {
      ArrayNode declarations = body.putArray("tools").addObject().putArray("functionDeclarations");
      for (ToolSpec t : tools) {
        ObjectNode fn = declarations.addObject().put("name", t.name()).put("description", t.description());
        fn.set("parameters", t.inputSchema().deepCopy());
      }
    }
    body.putObject("generationConfig").put("maxOutputTokens", options.maxTokens());
    return body;
  }

  private static JsonNode response(ContentBlock.ToolResultBlock r) {
    if (r.status() == ToolStatus.SUCCESS) {
      try {
        JsonNode parsed = Json.read(r.content());
        if (parsed != null && parsed.isObject()) {
          return parsed;
        }
      } catch (JsonProcessingException notJson) {
        // sent as text below
      }
    }
    return Json.object().put(r.status() == ToolStatus.SUCCESS ? "result" : "error", r.content());
  }

  static ModelResponse parse(JsonNode json) {
    JsonNode candidate = json.path("candidates").path(0);
    if (candidate.isMissingNode()) {
      throw new ModelException("Gemini response has no candidates"
          + (json.path("promptFeedback").has("blockReason") ? " (prompt blocked: " + json.path("promptFeedback").path("blockReason").asText() + ")" : ""));
    }
    List<ContentBlock> content = new ArrayList<>();
    boolean toolCalls = false;
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        JsonNode call = part.path("functionCall");
        String id = call.path("id").asText("");
        JsonNode args = call.path("args");
        content.add(ContentBlock.toolUse(id.isEmpty() ? "call_" + UUID.randomUUID() : id,
            call.path("name").asText(), args.isObject() ? args : Json.object()));
        toolCalls = true;
      } else if (part.path("text").isTextual() && !part.path("text").asText().isEmpty()) {
        String text = part.path("text").asText();
        content.add(part.path("thought").asBoolean(false) ? ContentBlock.reasoning(text) : ContentBlock.text(text));
      }
    }
    String finish = candidate.path("finishReason").asText("");
    StopReason stop = toolCalls ? StopReason.TOOL_USE : finish.equals("MAX_TOKENS") ? StopReason.MAX_TOKENS : StopReason.END_TURN;
    return new ModelResponse(content, stop, usage(json.path("usageMetadata")));
  }

  static Usage usage(JsonNode u) {
    long thoughts = u.path("thoughtsTokenCount").asLong(0);
    return new Usage(
        u.path("promptTokenCount").asLong(0),
        u.path("candidatesTokenCount").asLong(0) + thoughts,
        u.path("cachedContentTokenCount").asLong(0),
        0,
        thoughts);
  }

  @Override
  public String toString() {
    return "GeminiModel{" + model + " at " + endpoint + ", apiKey=" + (apiKey == null ? "none" : "****") + "}";
  }
}
