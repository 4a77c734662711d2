package io.tracebridge.receiver;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.StoreException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * What both OTLP transports share: who the caller is, whether there is room for its export, and
 * the two export handlers (as the collector's {@code internal/trace/otlp.go}). Transports call
 * {@link #authenticate}, {@link #reserve} (the request's bytes), {@link Admission#startExport()}
 * once the whole request is in memory, then {@link #exportTraces} / {@link #exportLogs}; they
 * never map or store themselves.
 *
 * <p><b>Admission, in two parts, both refused at once with an {@link OverloadedException}
 * carrying {@link ReceiverConfig#retryAfter()}; nothing queues:</b>
 *
 * <ol>
 *   <li><b>Bytes in flight</b>, at most {@link ReceiverConfig#maxBytesInFlight()}: taken for a
 *       request's declared or received size while its body is read, kept until its export
 *       completes. This bounds request memory, whatever the number of requests.
 *   <li><b>Exports in flight</b>: taken only when the whole request has arrived, so a slow or
 *       stalled sender holds bytes (and the transport's read time-outs close it) but never an
 *       export slot. The bound adapts ({@link AdaptiveExportLimit}) between 1 and {@link
 *       ReceiverConfig#maxExportsInFlight()} to keep exports within {@link
 *       ReceiverConfig#storeLatencyTarget()}: when the store falls behind, senders are refused
 *       early rather than left waiting past their time-out.
 * </ol>
 *
 * <p><b>Abandoning.</b> An export whose sender is gone by the time it would be mapped and stored
 * (the transport's {@code callerGone} says so) is failed with {@link CallerGoneException} and
 * never reaches the store.
 *
 * <p><b>Counting.</b> Transports call the overloads that name their {@link
 * ReceiverMetrics.Transport}: each decoded export's accepted and refused items are counted in
 * {@link #metrics()} before the sender gets its answer; transports count requests they refuse
 * earlier themselves ({@link ReceiverMetrics#refusedRequest}).
 *
 * <p>Thread-safe; one instance serves both transports.
 */
public final class OtlpIngest {
  private final TraceExportHandler traces;
  private final LogsExportHandler logs;
  private final TenantAuthenticator authenticator;
  private final int maxInFlight;
  private final long maxBytes;
  private final Duration retryAfter;
  private final AdaptiveExportLimit exports;
  private final AtomicLong bytesInFlight = new AtomicLong();
  private final AtomicLong turnedAway = new AtomicLong();
  private final AtomicLong abandoned = new AtomicLong();
  private final ReceiverMetrics metrics;

  /**
   * @param traces the traces export handler
   * @param logs the logs export handler
   * @param authenticator maps the {@code authorization} header / metadata to a tenant; embedded
   *     mode: {@code TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT)}
   * @param config the bounds of exports and bytes in flight, the store latency target and the
   *     retry advice
   */
  public OtlpIngest(
      TraceExportHandler traces,
      LogsExportHandler logs,
      TenantAuthenticator authenticator,
      ReceiverConfig config) {
    this(traces, logs, authenticator, config, ReceiverMetrics.none());
  }

  /** As above, counting accepted and refused items into {@code metrics}. */
  public OtlpIngest(
      TraceExportHandler traces,
      LogsExportHandler logs,
      TenantAuthenticator authenticator,
      ReceiverConfig config,
      ReceiverMetrics metrics) {
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.traces = Objects.requireNonNull(traces, "traces");
    this.logs = Objects.requireNonNull(logs, "logs");
    this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
    this.maxInFlight = config.maxExportsInFlight();
    this.maxBytes = config.maxBytesInFlight();
    this.retryAfter = config.retryAfter();
    this.exports =
        new AdaptiveExportLimit(maxInFlight, config.storeLatencyTarget().toNanos());
  }

  /**
   * The embedded mode: every request acts for {@link ReceiverConfig#DEFAULT_TENANT}, and logs go
   * through a logs handler over the same mapper and sinks as {@code traces}.
   */
  public static OtlpIngest singleTenant(TraceExportHandler traces, ReceiverConfig config) {
    return new OtlpIngest(traces, traces.logsHandlerOverSameSink(),
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
   * Reserves {@code bytes} of the bytes-in-flight budget for one request (its {@code
   * Content-Length}, 0 when unknown and grown with {@link Admission#grow} as it arrives).
   *
   * @throws OverloadedException when the budget has no room for them
   */
  public Admission reserve(long bytes) {
    Admission admission = new Admission();
    admission.grow(bytes);
    return admission;
  }

  /**
   * Maps and stores a traces request; releases {@code admission} when the export completes.
   *
   * @param callerGone true once the sender has given up: then the export is abandoned
   */
  public CompletionStage<ExportOutcome> exportTraces(Admission admission, String tenant,
      ExportTraceServiceRequest request, BooleanSupplier callerGone) {
    return run(admission, callerGone, () -> traces.export(tenant, request));
  }

  /** As {@link #exportTraces}, counting its spans under {@code transport} in {@link #metrics()}. */
  public CompletionStage<ExportOutcome> exportTraces(ReceiverMetrics.Transport transport,
      Admission admission, String tenant, ExportTraceServiceRequest request,
      BooleanSupplier callerGone) {
    return counted(transport, ExportOutcome.Signal.TRACES, ReceiverMetrics.items(request),
        exportTraces(admission, tenant, request, callerGone));
  }

  /** Maps and stores a logs request, as {@link #exportTraces}. */
  public CompletionStage<ExportOutcome> exportLogs(Admission admission, String tenant,
      ExportLogsServiceRequest request, BooleanSupplier callerGone) {
    return run(admission, callerGone, () -> logs.export(tenant, request));
  }

  /** As {@link #exportLogs}, counting its log records under {@code transport}. */
  public CompletionStage<ExportOutcome> exportLogs(ReceiverMetrics.Transport transport,
      Admission admission, String tenant, ExportLogsServiceRequest request,
      BooleanSupplier callerGone) {
    return counted(transport, ExportOutcome.Signal.LOGS, ReceiverMetrics.items(request),
        exportLogs(admission, tenant, request, callerGone));
  }

  /** The counters the transports count into (accepted / refused items and requests). */
  public ReceiverMetrics metrics() {
    return metrics;
  }

  private CompletionStage<ExportOutcome> counted(ReceiverMetrics.Transport transport,
      ExportOutcome.Signal signal, int items, CompletionStage<ExportOutcome> export) {
    long start = System.nanoTime();
    return export.whenComplete((outcome, failure) ->
        metrics.exported(transport, signal, items, System.nanoTime() - start, outcome, failure));
  }

  /** Requests turned away (bytes or exports at their bound) since start. */
  public long turnedAway() {
    return turnedAway.get();
  }

  /** Exports abandoned because their sender had gone, since start. */
  public long abandoned() {
    return abandoned.get();
  }

  /** Export slots taken now. */
  public int inFlight() {
    return exports.inFlight();
  }

  /** The bound on exports in flight now (lower than the maximum while the store is slow). */
  public int exportLimit() {
    return exports.limit();
  }

  /** Request bytes reserved now. */
  public long bytesInFlight() {
    return bytesInFlight.get();
  }

  private CompletionStage<ExportOutcome> run(Admission admission, BooleanSupplier callerGone,
      Supplier<CompletionStage<ExportOutcome>> export) {
    CompletionStage<ExportOutcome> result;
    if (callerGone.getAsBoolean()) {
      abandoned.incrementAndGet();
      result = CompletableFuture.failedFuture(new CallerGoneException());
    } else {
      try {
        result = export.get();
      } catch (RuntimeException e) {
        result = CompletableFuture.failedFuture(e);
      }
    }
    return result.whenComplete((outcome, failure) -> admission.finish(failure));
  }

  private OverloadedException overloaded(String why) {
    turnedAway.incrementAndGet();
    return new OverloadedException(
        "receiver busy: " + why + ", retry after " + retryAfter.toMillis() + " ms", retryAfter);
  }

  /**
   * One request's share of the receiver: its reserved bytes and, once {@link #startExport()}ed,
   * an export slot. {@link #close()} gives both back (idempotent); transports close it on every
   * path that does not reach an export. {@link #grow} and {@link #startExport} are called by the
   * request's one thread (or event loop) at a time; the release may race with them safely.
   */
  public final class Admission implements AutoCloseable {
    private volatile long bytes;
    private volatile long exportStartNanos;
    private volatile boolean exporting;
    private final AtomicBoolean released = new AtomicBoolean();

    private Admission() {}

    /**
     * Reserves {@code more} bytes for this request.
     *
     * @throws OverloadedException when the budget has no room (nothing more is reserved)
     */
    public void grow(long more) {
      if (more <= 0) {
        return;
      }
      long now = bytesInFlight.addAndGet(more);
      if (now > maxBytes) {
        bytesInFlight.addAndGet(-more);
        throw overloaded(maxBytes + " bytes of requests in flight");
      }
      bytes += more;
    }

    /**
     * Takes an export slot: call once the whole request is in memory.
     *
     * @throws OverloadedException when the bound in force is reached
     */
    public void startExport() {
      if (!exports.tryAcquire()) {
        throw overloaded(exports.inFlight() + " exports in flight (bound now " + exports.limit()
            + " of " + maxInFlight + ", the store is slower than its target)");
      }
      exporting = true;
      exportStartNanos = System.nanoTime();
    }

    /** The bytes reserved. */
    public long bytes() {
      return bytes;
    }

    private void finish(@Nullable Throwable failure) {
      if (!released.compareAndSet(false, true)) {
        return;
      }
      bytesInFlight.addAndGet(-bytes);
      if (exporting) {
        boolean storeBusy = ExportErrors.unwrap(failure) instanceof StoreException store
            && store.retryable();
        exports.release(System.nanoTime() - exportStartNanos, storeBusy);
      }
    }

    @Override
    public void close() {
      finish(null);
    }
  }
}
