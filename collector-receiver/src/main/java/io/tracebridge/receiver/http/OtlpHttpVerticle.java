package io.tracebridge.receiver.http;

import com.google.protobuf.Message;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.receiver.ExportErrors;
import io.tracebridge.receiver.ExportOutcome;
import io.tracebridge.http.GuardLimits;
import io.tracebridge.http.HttpGuard;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.OverloadedException;
import io.tracebridge.receiver.ReceiverMetrics;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.RequestRejectedException;
import io.tracebridge.receiver.RequestRejectedException.Reason;
import io.tracebridge.receiver.http.OtlpHttpCodec.Format;
import io.tracebridge.store.AuthenticationException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP/HTTP receiver: {@code POST /v1/traces} and {@code POST /v1/logs} on {@link
 * ReceiverConfig#httpPort()} (4318), as a Vert.x verticle.
 *
 * <p>Every connection is guarded by {@link HttpGuard} with {@link
 * ReceiverConfig#connectionLimits()}: strict framing (400 and close), header time-out (408),
 * body time-out and minimum rate (close), idle limit. Per request, on the event loop: path and
 * method (404 / 405), {@code Content-Type} and {@code Content-Encoding} (415), {@code
 * Authorization} ({@link OtlpIngest#authenticate}, 401), size by {@code Content-Length} (413 and
 * close), its bytes reserved ({@link OtlpIngest#reserve}, 429 with {@code Retry-After}), then the
 * body is read up to {@link ReceiverConfig#maxInboundMessageBytes()} (413 while streaming, and
 * the connection is closed). Only the whole body takes an export slot ({@link
 * OtlpIngest.Admission#startExport()}, 429). Then, on a fixed-size worker pool ({@value
 * #WORKER_POOL}, {@value #WORKER_THREADS} threads): gunzip, decode (400 with the reason when the
 * body is not the expected message), abandon if the connection has closed meanwhile, and the
 * shared export handler's mapping. The reply is sent
 * when the export's stage completes, that is after the records are durable: 200 with the OTLP
 * response (partial success) in the request's format, or the status {@link ExportErrors} gives
 * with a {@code google.rpc.Status} body in the request's format (JSON when the format itself was
 * refused).
 *
 * <p>Lifecycle: {@link #start()} completes when the port is bound; {@link #stop()} closes the
 * server and the worker pool. {@link #actualPort()} is the bound port.
 */
public final class OtlpHttpVerticle extends VerticleBase {
  /** The OTLP/HTTP traces path. */
  public static final String TRACES_PATH = "/v1/traces";
  /** The OTLP/HTTP logs path. */
  public static final String LOGS_PATH = "/v1/logs";
  /** Name of the worker pool that decodes and maps. */
  static final String WORKER_POOL = "tracebridge-otlp-http";
  /** Decoding and mapping are CPU work: a few threads, not one per request. */
  static final int WORKER_THREADS = 4;

  private static final Logger LOG = LoggerFactory.getLogger(OtlpHttpVerticle.class);

  private final ReceiverConfig config;
  private final OtlpIngest ingest;
  private WorkerExecutor workers;
  private HttpServer server;
  private volatile int actualPort = -1;

  /**
   * @param config the host, port, size limit and in-flight bound
   * @param ingest authentication, admission and the export handlers (shared with gRPC)
   */
  public OtlpHttpVerticle(ReceiverConfig config, OtlpIngest ingest) {
    this.config = config;
    this.ingest = ingest;
  }

  @Override
  public Future<?> start() {
    workers = vertx.createSharedWorkerExecutor(WORKER_POOL, WORKER_THREADS);
    GuardLimits limits = config.connectionLimits();
    server = vertx.createHttpServer(HttpGuard.configure(
        new HttpServerOptions().setHost(config.host()).setPort(config.httpPort()), limits));
    HttpGuard.protect(server, limits);
    return server.requestHandler(this::handle)
        .listen()
        .onSuccess(s -> {
          actualPort = s.actualPort();
          LOG.info("collector-receiver OTLP/HTTP ({}, {}) listening on {}:{}",
              TRACES_PATH, LOGS_PATH, config.host(), actualPort);
        });
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> workers == null ? Future.succeededFuture() : workers.close());
  }

  /** The bound port once {@link #start()} has completed (useful when the config asked for 0). */
  public int actualPort() {
    return actualPort;
  }

  private enum Signal {
    TRACES,
    LOGS
  }

  private void handle(HttpServerRequest request) {
    Signal signal;
    if (TRACES_PATH.equals(request.path())) {
      signal = Signal.TRACES;
    } else if (LOGS_PATH.equals(request.path())) {
      signal = Signal.LOGS;
    } else {
      plain(request, 404, "no such path: OTLP/HTTP serves " + TRACES_PATH + " and " + LOGS_PATH);
      return;
    }
    if (request.method() != HttpMethod.POST) {
      request.response().putHeader("Allow", "POST");
      plain(request, 405, (signal == Signal.TRACES ? TRACES_PATH : LOGS_PATH) + " takes POST only");
      return;
    }
    Format format;
    boolean gzip;
    String tenant;
    try {
      format = OtlpHttpCodec.format(request.getHeader("Content-Type"));
    } catch (RequestRejectedException e) {
      refuse(request, Format.JSON, e);
      return;
    }
    int max = config.maxInboundMessageBytes();
    long declared = parseLength(request.getHeader("Content-Length"));
    OtlpIngest.Admission admission;
    try {
      gzip = OtlpHttpCodec.gzip(request.getHeader("Content-Encoding"));
      tenant = ingest.authenticate(request.getHeader("Authorization"));
      if (declared > max) {
        refuseAndClose(request, format, tooLarge(max));
        return;
      }
      admission = ingest.reserve(Math.max(0, declared));
    } catch (RuntimeException | AuthenticationException e) {
      refuse(request, format, e);
      return;
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
      request.response().writeContinue(); // room for its bytes: the sender may send the body now
    }
    readBody(request, max, declared < 0 ? admission : null).onComplete(read -> {
      if (read.failed()) {
        admission.close();
        if (read.cause() instanceof RequestRejectedException tooBig
            && tooBig.reason() == Reason.TOO_LARGE
            || read.cause() instanceof OverloadedException) {
          refuseAndClose(request, format, read.cause()); // the rest of the body is not read
        } else {
          refuse(request, format, read.cause());
        }
        return;
      }
      try {
        admission.startExport(); // only now: a slow body never held an export slot
      } catch (OverloadedException e) {
        admission.close();
        refuse(request, format, e);
        return;
      }
      byte[] body = read.result().getBytes();
      BooleanSupplier callerGone = () -> !HttpGuard.connected(request.connection());
      workers.<CompletionStage<ExportOutcome>>executeBlocking(
              () -> export(signal, tenant, admission, body, gzip, format, max, callerGone), false)
          .compose(stage -> Future.fromCompletionStage(stage, context))
          .onComplete(done -> {
            admission.close(); // idempotent; the export releases it too
            if (done.succeeded()) {
              Message response = signal == Signal.TRACES
                  ? done.result().toTracesResponse() : done.result().toLogsResponse();
              request.response()
                  .setStatusCode(200)
                  .putHeader("Content-Type", format.contentType)
                  .end(Buffer.buffer(OtlpHttpCodec.encode(response, format)));
            } else {
              fail(request, format, done.cause());
            }
          });
    });
  }

  /** Runs on a worker: decode and map (the store's part completes later). */
  private CompletionStage<ExportOutcome> export(
      Signal signal, String tenant, OtlpIngest.Admission admission,
      byte[] body, boolean gzip, Format format, int max, BooleanSupplier callerGone) {
    if (signal == Signal.TRACES) {
      ExportTraceServiceRequest request;
      try {
        request = OtlpHttpCodec.decode(
            body, gzip, format, max, ExportTraceServiceRequest.newBuilder()).build();
      } catch (RuntimeException e) {
        ingest.metrics().refusedRequest(ReceiverMetrics.Transport.HTTP, e);
        throw e;
      }
      return ingest.exportTraces(ReceiverMetrics.Transport.HTTP, admission, tenant, request, callerGone);
    }
    ExportLogsServiceRequest request;
    try {
      request = OtlpHttpCodec.decode(
          body, gzip, format, max, ExportLogsServiceRequest.newBuilder()).build();
    } catch (RuntimeException e) {
      ingest.metrics().refusedRequest(ReceiverMetrics.Transport.HTTP, e);
      throw e;
    }
    return ingest.exportLogs(ReceiverMetrics.Transport.HTTP, admission, tenant, request, callerGone);
  }

  /**
   * The whole body, failing with TOO_LARGE as soon as it passes {@code max} bytes; with {@code
   * growing} (a body of unknown length), each chunk is reserved as it arrives (an {@link
   * OverloadedException} when the bytes budget is full).
   */
  private static Future<Buffer> readBody(
      HttpServerRequest request, int max, @Nullable OtlpIngest.Admission growing) {
    io.vertx.core.Promise<Buffer> promise = io.vertx.core.Promise.promise();
    Buffer body = Buffer.buffer();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return; // already refused: drop what still arrives until the connection closes
      }
      if (body.length() + chunk.length() > max) {
        promise.tryFail(tooLarge(max));
        return;
      }
      if (growing != null) {
        try {
          growing.grow(chunk.length());
        } catch (OverloadedException e) {
          promise.tryFail(e);
          return;
        }
      }
      body.appendBuffer(chunk);
    });
    request.exceptionHandler(promise::tryFail);
    request.endHandler(v -> promise.tryComplete(body));
    return promise.future();
  }

  private static RequestRejectedException tooLarge(int max) {
    return new RequestRejectedException(
        Reason.TOO_LARGE, "body is larger than the maximum of " + max + " bytes");
  }

  private static long parseLength(@Nullable String value) {
    if (value == null) {
      return -1;
    }
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1; // Vert.x itself refuses a malformed Content-Length
    }
  }

  /** Answers with the status and message {@link ExportErrors} gives, as a google.rpc.Status. */
  private static Future<Void> fail(HttpServerRequest request, Format format, Throwable failure) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return Future.succeededFuture();
    }
    Optional<Duration> retryAfter = ExportErrors.retryAfter(failure);
    retryAfter.ifPresent(d ->
        response.putHeader("Retry-After", Long.toString(Math.max(1, ceilSeconds(d)))));
    com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
        .setCode(ExportErrors.toGrpcStatus(failure).getCode().value())
        .setMessage(ExportErrors.message(failure))
        .build();
    return response.setStatusCode(ExportErrors.toHttpStatus(failure))
        .putHeader("Content-Type", format.contentType)
        .end(Buffer.buffer(OtlpHttpCodec.encode(status, format)));
  }

  /** As {@link #fail}, then closes the connection (the rest of the body is not read). */
  /** {@link #fail}, counted as a request refused before its items were read. */
  private void refuse(HttpServerRequest request, Format format, Throwable failure) {
    ingest.metrics().refusedRequest(ReceiverMetrics.Transport.HTTP, failure);
    fail(request, format, failure);
  }

  /** {@link #failAndClose}, counted as {@link #refuse} does. */
  private void refuseAndClose(HttpServerRequest request, Format format, Throwable failure) {
    ingest.metrics().refusedRequest(ReceiverMetrics.Transport.HTTP, failure);
    failAndClose(request, format, failure);
  }

  private static void failAndClose(HttpServerRequest request, Format format, Throwable failure) {
    request.response().putHeader("Connection", "close");
    fail(request, format, failure).onComplete(v -> request.connection().close());
  }

  private static void plain(HttpServerRequest request, int status, String message) {
    request.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "text/plain; charset=utf-8")
        .end(message);
  }

  private static long ceilSeconds(Duration d) {
    return d.getSeconds() + (d.getNano() > 0 ? 1 : 0);
  }
}
