package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TenantAuthenticator;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * What both OTLP transports share: who the caller is, whether there is room for its export, and
 * the two export handlers (as the collector's {@code internal/trace/otlp.go}). Transports decode
 * a request, then call {@link #authenticate}, {@link #admit} and {@link #exportTraces} / {@link
 * #exportLogs}; they never map or store themselves.
 *
 * <p><b>Backpressure.</b> At most {@link ReceiverConfig#maxExportsInFlight()} exports, both
 * transports and both signals together, are between {@link #admit} and the completion of their
 * export (for HTTP that includes reading the body). The next one is turned away at once with an
 * {@link OverloadedException} carrying {@link ReceiverConfig#retryAfter()}; nothing queues. The
 * durable store bounds its own queue too (a full queue is a retryable {@code StoreException}).
 *
 * <p>Thread-safe; one instance serves both transports.
 */
public final class OtlpIngest {
  private final TraceExportHandler traces;
  private final LogsExportHandler logs;
  private final TenantAuthenticator authenticator;
  private final int maxInFlight;
  private final Duration retryAfter;
  private final Semaphore inFlight;
  private final AtomicLong turnedAway = new AtomicLong();

  /**
   * @param traces the traces export handler
   * @param logs the logs export handler
   * @param authenticator maps the {@code authorization} header / metadata to a tenant; embedded
   *     mode: {@code TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT)}
   * @param config the bound of exports in flight and the retry advice
   */
  public OtlpIngest(
      TraceExportHandler traces,
      LogsExportHandler logs,
      TenantAuthenticator authenticator,
      ReceiverConfig config) {
    this.traces = Objects.requireNonNull(traces, "traces");
    this.logs = Objects.requireNonNull(logs, "logs");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.maxInFlight = config.maxExportsInFlight();
    this.retryAfter = config.retryAfter();
    this.inFlight = new Semaphore(maxInFlight);
  }

  /**
   * The embedded mode: every request acts for {@link ReceiverConfig#DEFAULT_TENANT}, and logs go
   * through a logs handler over the same mapper and sinks as {@code traces}.
   */
  public static OtlpIngest singleTenant(TraceExportHandler traces, ReceiverConfig config) {
    return new OtlpIngest(traces, traces.logsHandlerOverSameSinks(),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
  }

  /**
   * The tenant the request acts for.
   *
   * @param authorization the whole {@code Authorization} header or gRPC {@code authorization}
   *     metadata value, or null when the request has none
   * @throws AuthenticationException when the credentials are missing or unknown (401 /
   *     UNAUTHENTICATED), also when the authenticator itself fails or answers no tenant
   */
  public String authenticate(@Nullable String authorization) throws AuthenticationException {
    String tenant;
    try {
      tenant = authenticator.authenticate(authorization);
    } catch (RuntimeException e) {
      throw new AuthenticationException("credentials could not be checked");
    }
    if (tenant == null || tenant.isBlank()) {
      throw new AuthenticationException("credentials map to no tenant");
    }
    return tenant;
  }

  /**
   * Takes one of the in-flight slots, or turns the request away.
   *
   * @throws OverloadedException when every slot is taken
   */
  public Admission admit() {
    if (!inFlight.tryAcquire()) {
      turnedAway.incrementAndGet();
      throw new OverloadedException(
          "receiver busy: " + maxInFlight + " exports in flight, retry after "
              + retryAfter.toMillis() + " ms", retryAfter);
    }
    return new Admission();
  }

  /** Maps and stores a traces request; releases {@code admission} when the export completes. */
  public CompletionStage<ExportOutcome> exportTraces(
      Admission admission, String tenant, ExportTraceServiceRequest request) {
    return run(admission, () -> traces.export(tenant, request));
  }

  /** Maps and stores a logs request; releases {@code admission} when the export completes. */
  public CompletionStage<ExportOutcome> exportLogs(
      Admission admission, String tenant, ExportLogsServiceRequest request) {
    return run(admission, () -> logs.export(tenant, request));
  }

  /** Requests turned away because every slot was taken, since start. */
  public long turnedAway() {
    return turnedAway.get();
  }

  /** Slots taken now. */
  public int inFlight() {
    return maxInFlight - inFlight.availablePermits();
  }

  private static CompletionStage<ExportOutcome> run(
      Admission admission, Supplier<CompletionStage<ExportOutcome>> export) {
    CompletionStage<ExportOutcome> result;
    try {
      result = export.get();
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    return result.whenComplete((outcome, failure) -> admission.close());
  }

  /** One taken slot; {@link #close()} gives it back (idempotent). */
  public final class Admission implements AutoCloseable {
    private final AtomicBoolean released = new AtomicBoolean();

    private Admission() {}

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        inFlight.release();
      }
    }
  }
}
