package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.OtlpFixtures.span;
import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.OtlpFixtures;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CommonFieldsMapperTest {
  private final Views views = new Views();

  private FunctionalRecord start(SpanView span, Attributes event) {
    return CommonFieldsMapper.start(span, event, Dialect.HOOK_EVENTS, RecordType.PROMPT,
        "agent_prompt#0", Instant.EPOCH).build();
  }

  @Test
  void setsIdsAndIdentityFromTheSpan() {
    SpanView span = views.of(span("invoke_agent a")
        .addAttributes(kv("gen_ai.agent.name", "calc_agent"))
        .addAttributes(kv("gen_ai.agent.id", "agent-1"))
        .addAttributes(kv("gen_ai.request.model", "req"))
        .addAttributes(kv("gen_ai.response.model", "resp"))
        .addAttributes(kv("gen_ai.system", "strands-agents")).build());

    FunctionalRecord record = start(span, views.attributes());

    assertThat(record.recordId())
        .isEqualTo(RecordIds.of(OtlpFixtures.TRACE_ID, OtlpFixtures.SPAN_ID, "agent_prompt#0"));
    assertThat(record.xrayTraceId()).isEqualTo("1-5b8efff7-98038103d269b633813fc60c");
    assertThat(record.parentSpanId()).isNull();
    assertThat(record.agentName()).isEqualTo("calc_agent");
    assertThat(record.agentId()).isEqualTo("agent-1");
    assertThat(record.model()).isEqualTo("resp");
    assertThat(record.provider()).isEqualTo("strands-agents");
    assertThat(record.dialect()).isEqualTo(Dialect.HOOK_EVENTS);
  }

  @Test
  void providerNameWinsOverSystemAndEventCopiesFillGaps() {
    SpanView span = views.of(span("chat")
        .addAttributes(kv("gen_ai.system", "old"))
        .addAttributes(kv("gen_ai.provider.name", "new")).build());
    Attributes event = views.attributes(kv("span.gen_ai.agent.name", "from_copy"),
        kv("span.gen_ai.request.model", "copied-model"));

    FunctionalRecord record = start(span, event);

    assertThat(record.provider()).isEqualTo("new");
    assertThat(record.agentName()).isEqualTo("from_copy");
    assertThat(record.model()).isEqualTo("copied-model");
  }

  @Test
  void sessionFallsBackFromSpanToCopiesToTraceToResource() {
    var withSession = span("s").addAttributes(kv("session.id", "own"))
        .addAttributes(kv("gen_ai.conversation.id", "conv")).build();
    var withConversation = span("s").addAttributes(kv("gen_ai.conversation.id", "conv")).build();
    var bare = span("s").build();
    Attributes copies = views.attributes(kv("span.session.id", "copy"));

    assertThat(start(views.of(withSession, "trace", "res"), copies).sessionId()).isEqualTo("own");
    assertThat(start(views.of(withConversation, "trace", "res"), copies).sessionId())
        .isEqualTo("conv");
    assertThat(start(views.of(bare, "trace", "res"), copies).sessionId()).isEqualTo("copy");
    assertThat(start(views.of(bare, "trace", "res"), views.attributes()).sessionId())
        .isEqualTo("trace");
    assertThat(start(views.of(bare, null, "res"), views.attributes()).sessionId())
        .isEqualTo("res");
    assertThat(start(views.of(bare, null, null), views.attributes()).sessionId()).isNull();
  }
}
