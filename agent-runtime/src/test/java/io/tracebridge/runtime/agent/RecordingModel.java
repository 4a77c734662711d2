package io.tracebridge.runtime.agent;

import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.core.ModelResponse;
import io.tracebridge.runtime.core.ToolSpec;
import io.tracebridge.mapper.Usage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.annotation.Nullable;

/** Records what a delegate model was sent and answered. */
final class RecordingModel implements Model {
  final Model delegate;
  final List<List<Message>> requests = new CopyOnWriteArrayList<>();
  final List<List<ToolSpec>> tools = new CopyOnWriteArrayList<>();
  final List<ModelResponse> responses = new CopyOnWriteArrayList<>();
  final List<ModelRequestOptions> options = new CopyOnWriteArrayList<>();

  RecordingModel(Model delegate) {
    this.delegate = delegate;
  }

  @Override
  public String modelId() {
    return delegate.modelId();
  }

  @Override
  public ModelResponse converse(
      List<Message> messages, List<ToolSpec> specs, @Nullable String systemPrompt, ModelRequestOptions options) {
    requests.add(messages);
    tools.add(specs);
    this.options.add(options);
    ModelResponse r = delegate.converse(messages, specs, systemPrompt, options);
    responses.add(r);
    return r;
  }

  Usage totalUsage() {
    return responses.stream().map(ModelResponse::usage).reduce(Usage.ZERO, Usage::plus);
  }
}
