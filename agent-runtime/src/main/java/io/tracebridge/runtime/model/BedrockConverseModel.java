package io.tracebridge.runtime.model;

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
import io.tracebridge.runtime.internal.Documents;
import io.opentelemetry.api.common.Attributes;
import io.tracebridge.runtime.telemetry.ClientSpans;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import javax.annotation.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ReasoningContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ReasoningTextBlock;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.Tool;
import software.amazon.awssdk.services.bedrockruntime.model.ToolConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.ToolInputSchema;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ToolResultStatus;
import software.amazon.awssdk.services.bedrockruntime.model.ToolSpecification;
import software.amazon.awssdk.services.bedrockruntime.model.ToolUseBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * The Bedrock Converse API (AWS SDK v2 {@code bedrockruntime}, synchronous client over the SDK's
 * url-connection HTTP client; it blocks, so call it from a worker thread, as the agent does).
 *
 * <p>{@code modelId} is a foundation model id or, for on-demand throughput, an inference profile
 * id such as {@code us.anthropic.claude-sonnet-4-20250514-v1:0} (the runtime seed's advice). Tools
 * go in {@code toolConfig}; the system prompt in {@code system}; {@code maxTokens} in {@code
 * inferenceConfig}. Response text, tool uses and reasoning (with its signature, sent back on later
 * turns as Converse requires; reasoning without a signature is not sent back) become content blocks.
 *
 * <p>Usage: Converse reports {@code inputTokens} without the cached ones; this model's {@link
 * Usage#inputTokens()} is {@code inputTokens + cacheReadInputTokens + cacheWriteInputTokens}, so it
 * includes cached tokens as the GenAI conventions ask; cache read/write are carried as reported.
 *
 * <p>Stop reasons: {@code end_turn}, {@code tool_use}, {@code max_tokens}, {@code stop_sequence}
 * map one to one; {@code model_context_window_exceeded} to max tokens; {@code
 * guardrail_intervened}, {@code content_filtered} and anything new to end turn. SDK failures
 * (after the SDK's own retries) become {@link ModelException}. Thread-safe.
 */
public final class BedrockConverseModel implements Model, AutoCloseable {
  /** {@code MODEL_ID} prefix selecting this model explicitly. */
  public static final String PREFIX = "bedrock:";

  private final BedrockRuntimeClient client;
  private final String modelId;

  /** A model over an existing client, which the caller keeps owning. */
  public BedrockConverseModel(BedrockRuntimeClient client, String modelId) {
    this.client = Objects.requireNonNull(client, "client");
    this.modelId = Objects.requireNonNull(modelId, "modelId");
    if (modelId.isBlank()) {
      throw new IllegalArgumentException("MODEL_ID must not be blank");
    }
  }

  /**
   * A model with its own client.
   *
   * @param endpointOverride another Bedrock runtime endpoint (tests, VPC endpoints), or null
   */
  public static BedrockConverseModel create(
      String modelId, Region region, AwsCredentialsProvider credentials, @Nullable URI endpointOverride) {
    var builder =
        BedrockRuntimeClient.builder()
            .region(region)
            .credentialsProvider(credentials)
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(10))
                    .socketTimeout(Duration.ofMinutes(5)));
    if (endpointOverride != null) {
      builder.endpointOverride(endpointOverride);
    }
    return new BedrockConverseModel(builder.build(), modelId);
  }

  @Override
  public String modelId() {
    return modelId;
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ConverseRequest request = request(messages, tools, systemPrompt, options);
    ConverseResponse response;
    try {
      // A CLIENT span shaped like the AWS SDK instrumentation's, so the trace map shows Bedrock.
      response = ClientSpans.call("BedrockRuntime.Converse", clientAttributes(), () -> client.converse(request));
    } catch (SdkException e) {
      if (String.valueOf(e.getMessage()).contains("inference profile")) {
        // A raw model id (anthropic.claude-...) that Bedrock serves on demand only through a profile.
        throw new ModelException("Bedrock model '" + modelId + "' needs an inference profile id: use e.g. 'us."
            + modelId + "' (or eu., apac., global. as your region offers) as MODEL_ID / model_id. Bedrock said: "
            + e.getMessage(), e);
      }
      throw new ModelException("Bedrock Converse failed for " + modelId + ": " + e.getMessage(), e);
    }
    return response(response);
  }

  private Attributes clientAttributes() {
    var configuration = client.serviceClientConfiguration();
    URI endpoint = configuration.endpointOverride().orElseGet(() -> configuration.region() == null ? null
        : URI.create("https://bedrock-runtime." + configuration.region().id() + "."
            + software.amazon.awssdk.regions.PartitionMetadata.of(configuration.region()).dnsSuffix()));
    return ClientSpans.server(Attributes.builder(), endpoint)
        .put(ClientSpans.RPC_SYSTEM, "aws-api")
        .put(ClientSpans.RPC_SERVICE, "BedrockRuntime")
        .put(ClientSpans.RPC_METHOD, "Converse")
        .put(ClientSpans.AWS_REMOTE_SERVICE, "AWS::BedrockRuntime")
        .put(ClientSpans.AWS_REMOTE_OPERATION, "Converse")
        .put(ClientSpans.GEN_AI_SYSTEM, "aws.bedrock")
        .put(ClientSpans.GEN_AI_PROVIDER, "aws.bedrock")
        .put(ClientSpans.GEN_AI_REQUEST_MODEL, modelId)
        .build();
  }

  ConverseRequest request(
      List<Message> messages, List<ToolSpec> tools, @Nullable String systemPrompt, ModelRequestOptions options) {
    ConverseRequest.Builder b =
        ConverseRequest.builder()
            .modelId(modelId)
            .messages(messages.stream().map(BedrockConverseModel::message).toList())
            .inferenceConfig(InferenceConfiguration.builder().maxTokens(options.maxTokens()).build());
    if (systemPrompt != null) {
      b.system(SystemContentBlock.fromText(systemPrompt));
    }
    if (!tools.isEmpty()) {
      List<Tool> specs = new ArrayList<>();
      for (ToolSpec t : tools) {
        specs.add(
            Tool.fromToolSpec(
                ToolSpecification.builder()
                    .name(t.name())
                    .description(t.description())
                    .inputSchema(ToolInputSchema.fromJson(Documents.toDocument(t.inputSchema())))
                    .build()));
      }
      b.toolConfig(ToolConfiguration.builder().tools(specs).build());
    }
    return b.build();
  }

  private static software.amazon.awssdk.services.bedrockruntime.model.Message message(Message m) {
    List<software.amazon.awssdk.services.bedrockruntime.model.ContentBlock> blocks = new ArrayList<>();
    for (ContentBlock block : m.content()) {
      if (block instanceof ContentBlock.Text t) {
        blocks.add(software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromText(t.text()));
      } else if (block instanceof ContentBlock.Reasoning r) {
        if (r.signature() != null) {
          blocks.add(
              software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromReasoningContent(
                  ReasoningContentBlock.fromReasoningText(
                      ReasoningTextBlock.builder().text(r.text()).signature(r.signature()).build())));
        }
      } else if (block instanceof ContentBlock.ToolUse u) {
        blocks.add(
            software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromToolUse(
                ToolUseBlock.builder()
                    .toolUseId(u.toolUseId())
                    .name(u.name())
                    .input(Documents.toDocument(u.input()))
                    .build()));
      } else if (block instanceof ContentBlock.ToolResultBlock r) {
        blocks.add(
            software.amazon.awssdk.services.bedrockruntime.model.ContentBlock.fromToolResult(
                ToolResultBlock.builder()
                    .toolUseId(r.toolUseId())
                    .status(r.status() == ToolStatus.ERROR ? ToolResultStatus.ERROR : ToolResultStatus.SUCCESS)
                    .content(ToolResultContentBlock.fromText(r.content()))
                    .build()));
      }
    }
    return software.amazon.awssdk.services.bedrockruntime.model.Message.builder()
        .role(m.role() == Role.ASSISTANT ? ConversationRole.ASSISTANT : ConversationRole.USER)
        .content(blocks)
        .build();
  }

  static ModelResponse response(ConverseResponse response) {
    List<ContentBlock> content = new ArrayList<>();
    if (response.output() != null && response.output().message() != null) {
      for (var block : response.output().message().content()) {
        if (block.text() != null) {
          content.add(ContentBlock.text(block.text()));
        } else if (block.toolUse() != null) {
          ToolUseBlock use = block.toolUse();
          content.add(ContentBlock.toolUse(use.toolUseId(), use.name(), Documents.toJson(use.input())));
        } else if (block.reasoningContent() != null && block.reasoningContent().reasoningText() != null) {
          ReasoningTextBlock r = block.reasoningContent().reasoningText();
          content.add(new ContentBlock.Reasoning(r.text(), r.signature()));
        }
      }
    }
    return new ModelResponse(content, stopReason(response.stopReasonAsString()), usage(response.usage()));
  }

  static StopReason stopReason(@Nullable String reason) {
    switch (reason == null ? "" : reason.toLowerCase(Locale.ROOT)) {
      case "tool_use":
        return StopReason.TOOL_USE;
      case "max_tokens":
      case "model_context_window_exceeded":
        return StopReason.MAX_TOKENS;
      case "stop_sequence":
        return StopReason.STOP_SEQUENCE;
      default:
        return StopReason.END_TURN;
    }
  }

  static Usage usage(@Nullable TokenUsage u) {
    if (u == null) {
      return Usage.ZERO;
    }
    long input = n(u.inputTokens());
    long read = n(u.cacheReadInputTokens());
    long write = n(u.cacheWriteInputTokens());
    return new Usage(input + read + write, n(u.outputTokens()), read, write, 0);
  }

  private static long n(@Nullable Integer value) {
    return value == null ? 0 : value;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "BedrockConverseModel{" + modelId + "}";
  }
}
