package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.kv;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.resource.v1.Resource;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ResourceMapperTest {
  private final List<String> issues = new ArrayList<>();

  @Test
  void readsTheSessionId() {
    Resource resource = Resource.newBuilder().addAttributes(kv("service.name", "agent"))
        .addAttributes(kv("session.id", "s-1")).build();

    assertThat(ResourceMapper.map(resource, issues::add).sessionId()).isEqualTo("s-1");
  }

  @Test
  void anEmptyResourceHasNoSession() {
    assertThat(ResourceMapper.map(Resource.getDefaultInstance(), issues::add).sessionId())
        .isNull();
    assertThat(issues).isEmpty();
  }
}
