package io.tracebridge.receiver.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.tracebridge.receiver.ExportErrors;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.store.AuthenticationException;

/**
 * Authenticates every call from its {@code authorization} metadata and puts the tenant in the
 * gRPC {@link Context} ({@link #TENANT}); a call with missing or unknown credentials is closed
 * with UNAUTHENTICATED before its message is handled.
 */
final class TenantInterceptor implements ServerInterceptor {
  /** The tenant of the current call, set for every call that passed this interceptor. */
  static final Context.Key<String> TENANT = Context.key("tracebridge.tenant");

  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final OtlpIngest ingest;

  TenantInterceptor(OtlpIngest ingest) {
    this.ingest = ingest;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String tenant;
    try {
      tenant = ingest.authenticate(headers.get(AUTHORIZATION));
    } catch (AuthenticationException e) {
      ingest.metrics().refusedRequest(io.tracebridge.receiver.ReceiverMetrics.Transport.GRPC, e);
      call.close(ExportErrors.toGrpcStatus(e), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(TENANT, tenant), call, headers, next);
  }
}
