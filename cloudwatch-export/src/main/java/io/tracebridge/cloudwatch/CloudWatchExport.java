package io.tracebridge.cloudwatch;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.internal.ContentAttributes;
import io.tracebridge.cloudwatch.internal.Retrier;
import io.tracebridge.cloudwatch.internal.RetryPolicy;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.internal.ThrottledLogger;
import io.tracebridge.cloudwatch.logs.CloudWatchLogsSender;
import io.tracebridge.cloudwatch.logs.ContentLogMapper;
import io.tracebridge.cloudwatch.logs.EmfMapper;
import io.tracebridge.cloudwatch.logs.LogEvent;
import io.tracebridge.cloudwatch.logs.LogEventBatcher;
import io.tracebridge.cloudwatch.otlp.OtlpHttpTraceSender;
import io.tracebridge.cloudwatch.xray.XRaySegmentSender;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.annotation.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.PartitionMetadata;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.xray.XRayClient;

/**
 * The CloudWatch export pipeline: takes OTLP span requests without ever blocking the caller,
 * holds them in a bounded queue and sends them from its own worker threads to X-Ray (segments)
 * or the CloudWatch OTLP endpoint, plus content log events and EMF token lines to CloudWatch Logs.
 * With {@code spanContent} off, GenAI content is removed from the spans on the way to X-Ray or the
 * OTLP endpoint only; the content log events are still made from the request as received.
 *
 * <p><b>Where it runs.</b> In the receiver, {@link #forward(String, ExportTraceServiceRequest)}
 * has the shape of {@code SpanForwarder}. In the agent runtime, {@link #spanExporter()} is an SDK
 * {@code SpanExporter} for a {@code BatchSpanProcessor}.
 *
 * <p><b>Failure.</b> Best effort: when the queue holds {@code maxQueuedSpans} spans a new request
 * is dropped and counted; calls are retried with exponential backoff and jitter by the worker
 * threads (which are ours: no event loop ever waits), permanent errors (4xx other than
 * throttling) are not retried; whatever is given up on is counted in {@link #stats()} and
 * reported by one throttled warning line (at most one a minute, with no payload).
 *
 * <p>Thread-safe. {@link #shutdown()} stops intake, lets the queue drain for {@code
 * shutdownTimeout}, then interrupts what is left (counted as dropped) and closes the clients.
 */
public final class CloudWatchExport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CloudWatchExport.class);

  private final CloudWatchExportConfig config;
  private final ExportStats stats;
  private final ThrottledLogger dropLog;
  @Nullable private final SegmentTranslator translator;
  @Nullable private final XRaySegmentSender xraySender;
  @Nullable private final OtlpHttpTraceSender otlpSender;
  @Nullable private final CloudWatchLogsSender logsSender;
  @Nullable private final ContentLogMapper contentMapper;
  @Nullable private final EmfMapper emfMapper;
  private final List<AutoCloseable> resources;
  private final ThreadPoolExecutor workers;
  private final AtomicLong queuedSpans = new AtomicLong();
  private final AtomicLong pendingJobs = new AtomicLong();
  private final List<CompletableResultCode> flushWaiters = new ArrayList<>();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CompletableResultCode shutdownResult = new CompletableResultCode();

  CloudWatchExport(
      CloudWatchExportConfig config,
      @Nullable XRayClient xray,
      @Nullable CloudWatchLogsClient logs,
      @Nullable OtlpHttpTraceSender otlp,
      Retrier retrier,
      Clock clock,
      ThrottledLogger dropLog,
      List<AutoCloseable> resources) {
    this.config = config;
    this.stats = new ExportStats(retrier::retries);
    this.dropLog = dropLog;
    this.resources = List.copyOf(resources);
    boolean xrayMode = config.traces() == CloudWatchExportConfig.Traces.XRAY && xray != null;
    this.translator = xrayMode
        ? new SegmentTranslator(config.indexedAttributes(), config.validateTraceIdEpoch(),
            config.contentLogs() ? config.logGroup() : null, clock, config.spanContent())
        : null;
    this.xraySender = xrayMode ? new XRaySegmentSender(xray, retrier) : null;
    this.otlpSender = config.traces() == CloudWatchExportConfig.Traces.OTLP ? otlp : null;
    this.logsSender = config.logsEnabled() && logs != null
        ? new CloudWatchLogsSender(logs, retrier, config.logGroup(), config.logStream(), new LogEventBatcher())
        : null;
    this.contentMapper = config.contentLogs() ? new ContentLogMapper() : null;
    this.emfMapper = config.emfMetrics() ? new EmfMapper(config.emfNamespace()) : null;
    AtomicInteger threadNumber = new AtomicInteger();
    this.workers = new ThreadPoolExecutor(config.workers(), config.workers(), 0L, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(), r -> {
          Thread thread = new Thread(r, "cloudwatch-export-" + threadNumber.incrementAndGet());
          thread.setDaemon(true);
          return thread;
        });
  }

  /**
   * Builds the export with the AWS SDK's default credentials and region chains (unless the
   * configuration names them): sync X-Ray and CloudWatch Logs clients on the URL-connection HTTP
   * client, with the SDK's own retries off (this class retries), and the JDK HTTP client for OTLP.
   *
   * @throws software.amazon.awssdk.core.exception.SdkClientException when no region can be found
   */
  public static CloudWatchExport create(CloudWatchExportConfig config) {
    String region = config.region().orElseGet(() -> DefaultAwsRegionProviderChain.builder().build().getRegion().id());
    AwsCredentialsProvider credentials = config.credentialsProvider()
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    ClientOverrideConfiguration overrides = ClientOverrideConfiguration.builder()
        .retryStrategy(AwsRetryStrategy.doNotRetry())
        .apiCallTimeout(config.requestTimeout())
        .build();
    List<AutoCloseable> resources = new ArrayList<>();
    XRayClient xray = null;
    CloudWatchLogsClient logs = null;
    OtlpHttpTraceSender otlp = null;
    Retrier retrier = new Retrier(new RetryPolicy(config.maxAttempts(), config.initialBackoff(), config.maxBackoff()),
        d -> Thread.sleep(d.toMillis()));
    if (config.traces() == CloudWatchExportConfig.Traces.XRAY) {
      SdkHttpClient http = httpClient(config);
      resources.add(http);
      var builder = XRayClient.builder().region(Region.of(region)).credentialsProvider(credentials)
          .httpClient(http).overrideConfiguration(overrides);
      config.xrayEndpoint().ifPresent(builder::endpointOverride);
      xray = builder.build();
      resources.add(xray);
    }
    if (config.logsEnabled()) {
      SdkHttpClient http = httpClient(config);
      resources.add(http);
      var builder = CloudWatchLogsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
          .httpClient(http).overrideConfiguration(overrides);
      config.logsEndpoint().ifPresent(builder::endpointOverride);
      logs = builder.build();
      resources.add(logs);
    }
    if (config.traces() == CloudWatchExportConfig.Traces.OTLP) {
      String dnsSuffix = PartitionMetadata.of(Region.of(region)).dnsSuffix();
      HttpClient http = HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(config.requestTimeout())
          .build();
      otlp = new OtlpHttpTraceSender(config.otlpTracesEndpoint(region, dnsSuffix), region, credentials, http, retrier,
          config.otlpGzip(), config.requestTimeout(), Clock.systemUTC());
    }
    CloudWatchExport export = new CloudWatchExport(config, xray, logs, otlp, retrier, Clock.systemUTC(),
        new ThrottledLogger(LOG), resources);
    LOG.info("CloudWatch export started: region {}, {}", region, config);
    return export;
  }

  private static SdkHttpClient httpClient(CloudWatchExportConfig config) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(config.requestTimeout())
        .socketTimeout(config.requestTimeout())
        .build();
  }

  /**
   * Queues a request for export and returns at once; never blocks and never throws. The request
   * must not be changed afterwards (protobuf messages are immutable).
   *
   * @param tenant the tenant the spans belong to (written into log events), or null
   * @return false when the request was dropped (queue full or shut down), which is counted
   */
  public boolean forward(@Nullable String tenant, ExportTraceServiceRequest request) {
    int spans = SpanInput.count(request);
    if (spans == 0) {
      return true;
    }
    if (shutdown.get()) {
      drop(Counter.SPANS_DROPPED_SHUTDOWN, spans, "export is shut down");
      return false;
    }
    long queued = queuedSpans.addAndGet(spans);
    if (queued > config.maxQueuedSpans()) {
      queuedSpans.addAndGet(-spans);
      drop(Counter.SPANS_DROPPED_QUEUE_FULL, spans, "queue full (" + config.maxQueuedSpans() + " spans)");
      return false;
    }
    pendingJobs.incrementAndGet();
    try {
      workers.execute(new Job(tenant, request, spans));
    } catch (RejectedExecutionException e) {
      queuedSpans.addAndGet(-spans);
      jobDone();
      drop(Counter.SPANS_DROPPED_SHUTDOWN, spans, "export is shut down");
      return false;
    }
    stats.add(Counter.SPANS_ACCEPTED, spans);
    return true;
  }

  /** An SDK {@code SpanExporter} over this pipeline; its shutdown shuts this export down. */
  public SpanExporter spanExporter() {
    return new CloudWatchSpanExporter(this);
  }

  public ExportStats stats() {
    return stats;
  }

  public CloudWatchExportConfig config() {
    return config;
  }

  /** Spans waiting in the queue or being sent. */
  public long queuedSpans() {
    return queuedSpans.get();
  }

  /** Completes when everything queued before the call has been sent or given up on. */
  public CompletableResultCode flush() {
    CompletableResultCode result = new CompletableResultCode();
    synchronized (flushWaiters) {
      if (pendingJobs.get() == 0) {
        return result.succeed();
      }
      flushWaiters.add(result);
    }
    return result;
  }

  /**
   * Stops intake, drains the queue for at most {@code shutdownTimeout}, then interrupts and
   * counts what is left as dropped and closes the AWS clients. Does not block the caller; the
   * result completes when done. Idempotent.
   */
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return shutdownResult;
    }
    workers.shutdown();
    Thread closer = new Thread(() -> {
      try {
        if (!workers.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          for (Runnable left : workers.shutdownNow()) {
            if (left instanceof Job job) {
              queuedSpans.addAndGet(-job.spans);
              jobDone();
              drop(Counter.SPANS_DROPPED_SHUTDOWN, job.spans, "shutdown timeout");
            }
          }
          workers.awaitTermination(config.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        for (AutoCloseable resource : resources) {
          try {
            resource.close();
          } catch (Exception e) {
            LOG.debug("closing {} failed", resource, e);
          }
        }
        LOG.info("CloudWatch export stopped: {}", stats);
        shutdownResult.succeed();
      }
    }, "cloudwatch-export-shutdown");
    closer.setDaemon(true);
    closer.start();
    return shutdownResult;
  }

  /** {@link #shutdown()} and wait for it, at most twice the shutdown timeout. */
  @Override
  public void close() {
    shutdown().join(config.shutdownTimeout().toMillis() * 2 + 1000, TimeUnit.MILLISECONDS);
  }

  private void drop(Counter reason, long spans, String why) {
    stats.add(reason, spans);
    dropLog.warn("CloudWatch export dropped {} spans: {}; {} spans dropped so far", spans, why, stats.droppedSpans());
  }

  private void jobDone() {
    if (pendingJobs.decrementAndGet() == 0) {
      List<CompletableResultCode> waiting;
      synchronized (flushWaiters) {
        waiting = new ArrayList<>(flushWaiters);
        flushWaiters.clear();
      }
      waiting.forEach(CompletableResultCode::succeed);
    }
  }

  /** One queued request. */
  private final class Job implements Runnable {
    @Nullable private final String tenant;
    private final ExportTraceServiceRequest request;
    private final int spans;

    Job(@Nullable String tenant, ExportTraceServiceRequest request, int spans) {
      this.tenant = tenant;
      this.request = request;
      this.spans = spans;
    }

    @Override
    public void run() {
      try {
        exportTraces(request, spans);
        exportLogs(tenant, request);
      } catch (RuntimeException e) {
        // A bug in translation must not kill the worker; what was not sent is counted.
        stats.add(Counter.SPANS_SKIPPED_UNTRANSLATABLE, spans);
        dropLog.warn("CloudWatch export failed on a request of {} spans", spans, e);
      } finally {
        queuedSpans.addAndGet(-spans);
        jobDone();
      }
    }
  }

  private void exportTraces(ExportTraceServiceRequest request, int spans) {
    if (translator != null && xraySender != null) {
      SegmentTranslator.Translation translation = translator.translate(request);
      stats.add(Counter.SPANS_SKIPPED_UNTRANSLATABLE, translation.skipped().size());
      stats.add(Counter.SEGMENTS_TRIMMED, translation.trimmedCount());
      XRaySegmentSender.Result result = xraySender.send(translation.documents());
      stats.add(Counter.SEGMENTS_SENT, result.sent());
      stats.add(Counter.SEGMENTS_FAILED, result.rejected());
      if (!translation.skipped().isEmpty() || result.rejected() > 0) {
        List<String> reasons = new ArrayList<>(translation.skipped());
        reasons.addAll(result.failures());
        dropLog.warn("CloudWatch export dropped {} of {} spans on the way to X-Ray: {}; {} spans dropped so far",
            translation.skipped().size() + result.rejected(), spans, firstFew(reasons), stats.droppedSpans());
      }
    } else if (otlpSender != null) {
      // Without span content, the spans are stripped (and marked) before they are encoded.
      OtlpHttpTraceSender.Result result = otlpSender.send(
          config.spanContent() ? request : ContentAttributes.strip(request));
      stats.add(Counter.OTLP_SPANS_SENT, result.sent());
      stats.add(Counter.OTLP_SPANS_FAILED, result.rejected());
      if (result.rejected() > 0) {
        dropLog.warn("CloudWatch export dropped {} of {} spans on the way to the OTLP endpoint: {}; {} spans dropped so far",
            result.rejected(), spans, firstFew(result.failures()), stats.droppedSpans());
      }
    }
  }

  private void exportLogs(@Nullable String tenant, ExportTraceServiceRequest request) {
    if (logsSender == null) {
      return;
    }
    List<LogEvent> events = new ArrayList<>();
    for (SpanInput input : SpanInput.flatten(request)) {
      if (contentMapper != null) {
        contentMapper.event(input, tenant).ifPresent(events::add);
      }
      if (emfMapper != null) {
        emfMapper.event(input, tenant).ifPresent(events::add);
      }
    }
    if (events.isEmpty()) {
      return;
    }
    CloudWatchLogsSender.Result result = logsSender.send(events);
    stats.add(Counter.LOG_EVENTS_SENT, result.sent());
    stats.add(Counter.LOG_EVENTS_FAILED, result.rejected());
    stats.add(Counter.LOG_EVENTS_TRUNCATED, result.truncated());
    if (result.rejected() > 0) {
      dropLog.warn("CloudWatch export dropped {} of {} log events: {}", result.rejected(), events.size(),
          firstFew(result.failures()));
    }
  }

  private static String firstFew(List<String> reasons) {
    return reasons.size() <= 3 ? String.join("; ", reasons)
        : String.join("; ", reasons.subList(0, 3)) + "; and " + (reasons.size() - 3) + " more";
  }
}
