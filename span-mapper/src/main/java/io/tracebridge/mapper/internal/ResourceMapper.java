package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.resource.v1.Resource;
import java.util.function.Consumer;
import javax.annotation.Nullable;

/** Reads what a resource says about all of its spans. */
final class ResourceMapper {
  private ResourceMapper() {}

  /** What the mapper uses from a resource. */
  record ResourceFacts(@Nullable String sessionId) {}

  static ResourceFacts map(Resource resource, Consumer<String> onOddValue) {
    Attributes attributes = Attributes.of(resource.getAttributesList(), onOddValue);
    return new ResourceFacts(attributes.get(GenAiAttributes.SESSION_ID));
  }
}
