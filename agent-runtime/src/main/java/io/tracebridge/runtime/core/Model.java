package io.tracebridge.runtime.core;

import java.util.List;
import javax.annotation.Nullable;

/**
 * A chat model with tool calling, shaped like the Bedrock Converse API.
 *
 * <p>Implementations must be thread-safe: one instance serves concurrent invocations on worker
 * threads. {@link #converse} blocks until the whole response is available and signals failure
 * with an unchecked exception (preferably {@link ModelException}); it must not mutate its
 * arguments.
 */
public interface Model {
  /** The model id written to {@code gen_ai.request.model}. */
  String modelId();

  /**
   * Sends the conversation and returns the assistant's next turn.
   *
   * @param messages the whole conversation, oldest first; the last one is a user message
   * @param tools the tools the model may call (the model sees only these specs)
   * @param systemPrompt optional system instructions
   */
  ModelResponse converse(
      List<Message> messages,
      List<ToolSpec> tools,
      @Nullable String systemPrompt,
      ModelRequestOptions options);
}
