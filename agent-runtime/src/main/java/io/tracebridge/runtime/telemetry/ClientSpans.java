package io.tracebridge.runtime.telemetry;

import io.tracebridge.genai.GenAi;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.ContextKey;
import io.opentelemetry.context.Scope;
import java.net.URI;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * CLIENT spans around the runtime's outgoing calls (Bedrock Converse, OpenAI-compatible and Gemini
 * endpoints, MCP servers and AgentCore Gateway), so trace maps (X-Ray, CloudWatch Application
 * Signals, TraceBridge) show what the agent called as nodes of their own.
 *
 * <p>The tracer travels in the {@link Context}: the agent puts it there ({@link #with}) when it
 * makes its {@code chat} or {@code execute_tool} span current, and a model or MCP client asks for
 * it here. Outside an agent (a model used on its own, a test) there is none and no span is made.
 *
 * <p><b>Usage is not here.</b> A client span carries {@code gen_ai.system}/{@code
 * gen_ai.provider.name} and {@code gen_ai.request.model} but never {@code gen_ai.usage.*} nor
 * {@code gen_ai.operation.name}: token counts stay on the {@code chat} span alone, so neither the
 * span mapper nor EMF counts a call twice, and the span mapper gives it no record.
 */
public final class ClientSpans {
  /** Instrumentation scope of the client spans. */
  public static final String SCOPE = "io.tracebridge.runtime.client";

  public static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  public static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  public static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");
  public static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");
  public static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  public static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");
  public static final AttributeKey<String> AWS_REMOTE_SERVICE = AttributeKey.stringKey("aws.remote.service");
  public static final AttributeKey<String> AWS_REMOTE_OPERATION = AttributeKey.stringKey("aws.remote.operation");
  public static final AttributeKey<String> GEN_AI_SYSTEM = GenAiAttributes.SYSTEM;
  public static final AttributeKey<String> GEN_AI_PROVIDER = GenAiAttributes.PROVIDER_NAME;
  public static final AttributeKey<String> GEN_AI_REQUEST_MODEL = GenAiAttributes.REQUEST_MODEL;
  public static final AttributeKey<String> MCP_METHOD = AttributeKey.stringKey("mcp.method.name");
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey(GenAi.ERROR_TYPE);

  private static final ContextKey<Tracer> TRACER = ContextKey.named("tracebridge-client-tracer");
  private static final ContextKey<Span> CLIENT = ContextKey.named("tracebridge-client-span");

  private ClientSpans() {}

  /** {@code context} carrying the tracer client spans are made with. */
  public static Context with(Context context, Tracer tracer) {
    return context.with(TRACER, tracer);
  }

  /**
   * Runs {@code call} inside a CLIENT span named {@code name} with {@code attributes} (when a
   * tracer is in the current context); a thrown exception ends the span with status ERROR and an
   * {@code exception} event, then propagates.
   */
  public static <T> T call(String name, Attributes attributes, Supplier<T> call) {
    Tracer tracer = Context.current().get(TRACER);
    if (tracer == null) {
      return call.get();
    }
    Span span = tracer.spanBuilder(name).setSpanKind(SpanKind.CLIENT).setAllAttributes(attributes).startSpan();
    try (Scope ignored = Context.current().with(span).with(CLIENT, span).makeCurrent()) {
      return call.get();
    } catch (RuntimeException e) {
      span.recordException(e);
      span.setAttribute(ERROR_TYPE, e.getClass().getName());
      span.setStatus(StatusCode.ERROR, String.valueOf(e.getMessage()));
      throw e;
    } finally {
      span.end();
    }
  }

  /** Sets {@code http.response.status_code} on the client span of {@link #call}; nothing outside one. */
  public static void setStatusCode(int status) {
    Span span = Context.current().get(CLIENT);
    if (span != null && span.isRecording()) {
      span.setAttribute(HTTP_STATUS, (long) status);
    }
  }

  /** {@code server.address}, {@code server.port} and {@code url.full} (without query) of {@code uri}. */
  public static AttributesBuilder server(AttributesBuilder b, @Nullable URI uri) {
    if (uri == null || uri.getHost() == null) {
      return b;
    }
    b.put(SERVER_ADDRESS, uri.getHost());
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    b.put(SERVER_PORT, (long) port);
    b.put(URL_FULL, uri.getScheme() + "://" + uri.getRawAuthority() + (uri.getRawPath() == null ? "" : uri.getRawPath()));
    return b;
  }

  /** The provider name of an OpenAI-compatible endpoint, for {@code peer.service} and {@code gen_ai.system}. */
  public static String httpProvider(URI endpoint, String fallback) {
    String host = endpoint.getHost() == null ? "" : endpoint.getHost();
    if (host.endsWith("openai.com")) {
      return "openai";
    }
    if (host.endsWith("generativelanguage.googleapis.com")) {
      return "gcp.gemini";
    }
    return fallback;
  }
}
