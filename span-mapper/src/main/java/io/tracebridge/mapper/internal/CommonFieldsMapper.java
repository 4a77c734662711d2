package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.internal.Attributes.firstIn;

import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordType;
import java.time.Instant;
import javax.annotation.Nullable;

/**
 * The fields every record read off a span shares: tenant, ids, record id, time, session, agent,
 * model and provider.
 *
 * <p>Each identity field is read from the span's attributes, then from the {@code span.}-copies
 * on the event ({@code eventAttributes}); the agent name last from OpenLLMetry's {@code
 * traceloop.workflow.name}, the session id also from its {@code
 * traceloop.association.properties.session_id}. The session id falls back further: to another
 * span of the same trace in the request, then to the resource's {@code session.id}.
 */
final class CommonFieldsMapper {
  private CommonFieldsMapper() {}

  /**
   * A builder with the shared fields set; the caller adds what its step says.
   *
   * @param stepKey names the step within the span, for example {@code tool_request#0}
   */
  static FunctionalRecord.Builder start(
      SpanView span,
      Attributes eventAttributes,
      Dialect dialect,
      RecordType type,
      String stepKey,
      Instant timestamp) {
    Attributes spanAttributes = span.attributes();
    Attributes copies = eventAttributes.spanCopies();
    SpanIdentity ids = span.ids();
    return FunctionalRecord.builder()
        .tenant(span.tenant())
        .traceId(ids.traceId())
        .spanId(ids.spanId())
        .parentSpanId(ids.parentSpanId())
        .spanName(span.span().getName().isBlank() ? null : span.span().getName())
        .recordId(RecordIds.of(ids.traceId(), ids.spanId(), stepKey))
        .type(type)
        .timestamp(timestamp)
        .sessionId(sessionId(span, copies))
        .agentName(agentName(spanAttributes, copies))
        .agentId(firstIn(GenAiAttributes.AGENT_ID, spanAttributes, copies))
        .model(model(spanAttributes, copies))
        .provider(provider(spanAttributes, copies))
        .dialect(dialect);
  }

  @Nullable
  static String sessionId(SpanView span, Attributes eventCopies) {
    for (Attributes source : new Attributes[] {span.attributes(), eventCopies}) {
      String session = source.first(GenAiAttributes.SESSION_ID, GenAiAttributes.CONVERSATION_ID,
          GenAiAttributes.TRACELOOP_SESSION_ID);
      if (session != null) {
        return session;
      }
    }
    return span.traceSessionId() != null ? span.traceSessionId() : span.resource().sessionId();
  }

  /**
   * {@code gen_ai.agent.name}, else OpenLLMetry's {@code traceloop.workflow.name} (the Traceloop SDK
   * puts the name of the enclosing {@code @workflow} or {@code @agent} on every span under it).
   */
  @Nullable
  private static String agentName(Attributes spanAttributes, Attributes copies) {
    String name = firstIn(GenAiAttributes.AGENT_NAME, spanAttributes, copies);
    return name != null ? name : spanAttributes.get(GenAiAttributes.TRACELOOP_WORKFLOW_NAME);
  }

  @Nullable
  private static String model(Attributes spanAttributes, Attributes copies) {
    for (Attributes source : new Attributes[] {spanAttributes, copies}) {
      String model = source.first(GenAiAttributes.RESPONSE_MODEL, GenAiAttributes.REQUEST_MODEL);
      if (model != null) {
        return model;
      }
    }
    return null;
  }

  @Nullable
  private static String provider(Attributes spanAttributes, Attributes copies) {
    for (Attributes source : new Attributes[] {spanAttributes, copies}) {
      String provider = source.first(GenAiAttributes.PROVIDER_NAME, GenAiAttributes.SYSTEM);
      if (provider != null) {
        return provider;
      }
    }
    return null;
  }
}
