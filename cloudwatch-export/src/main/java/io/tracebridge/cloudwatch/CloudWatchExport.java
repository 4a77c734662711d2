package io.tracebridge.cloudwatch;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.tracebridge.cloudwatch.ExportStats.Counter;
import io.tracebridge.cloudwatch.internal.ContentAttributes;
import io.tracebridge.aws.Sleeper;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.internal.ThrottledLogger;
import io.tracebridge.cloudwatch.logs.CloudWatchLogsSender;
import io.tracebridge.cloudwatch.logs.ContentLogMapper;
import io.tracebridge.cloudwatch.logs.EmfMapper;
import io.tracebridge.cloudwatch.logs.LogEvent;
import io.tracebridge.cloudwatch.logs.LogEventBatcher;
import io.tracebridge.cloudwatch.logs.LogRecordMapper;
import io.tracebridge.cloudwatch.otlp.OtlpHttpTraceSender;
import io.tracebridge.cloudwatch.xray.XRaySegmentSender;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
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
 * has the shape of {@code SpanForwarder} and {@link #forwardLogs} of {@code LogForwarder} (OTLP log
 * records to the log group); both skip resources marked {@value #EXPORTED_ATTRIBUTE}. In the agent
 * runtime, {@link #spanExporter()} and {@link #logRecordExporter()} are SDK exporters for batch
 * processors; the runtime marks its resource so that a receiver forwarding the same spans does not
 * export them again.
 *
 * <p><b>Failure.</b> Best effort: when the queue holds {@code maxQueuedSpans} spans a new request
 * is dropped and counted; calls are retried with exponential backoff and jitter on the worker
 * threads (which are ours: no event loop ever waits) by the AWS SDK's standard retry strategy
 * (aws-support's {@code TransportRetryPolicy}, from {@link CloudWatchExportConfig#retryPolicy()}),
 * permanent errors (4xx other than throttling) are not retried; unprocessed segments are resent
 * in rounds with the same backoff; whatever is given up on is counted in {@link #stats()} and
 * reported by one throttled warning line (at most one a minute, with no payload).
 *
 * <p>Thread-safe. {@link #shutdown()} stops intake, lets the queue drain for {@code
 * shutdownTimeout}, then interrupts what is left (counted as dropped) and closes the clients.
 */
public final class CloudWatchExport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CloudWatchExport.class);

  /**
   * Resource attribute ({@code true}) that the agent runtime sets on its spans and log records
   * when it exports them to CloudWatch itself: {@link #forward} and {@link #forwardLogs} (the
   * receiver's forwarder) skip such resources, so nothing reaches CloudWatch twice and EMF counts
   * each model call once.
   */
  public static final String EXPORTED_ATTRIBUTE = "tracebridge.cloudwatch.exported";
  /** Resource attribute naming the log groups of a span's content (CloudWatch GenAI Observability). */
  public static final String LOG_GROUP_NAMES = "aws.log.group.names";

  private final CloudWatchExportConfig config;
  private final ExportStats stats;
  private final ThrottledLogger dropLog;
  @Nullable private final SegmentTranslator translator;
  @Nullable private final XRaySegmentSender xraySender;
  @Nullable private final OtlpHttpTraceSender otlpSender;
  @Nullable private final CloudWatchLogsSender logsSender;
  @Nullable private final ContentLogMapper contentMapper;
  @Nullable private final EmfMapper emfMapper;
  @Nullable private final LogRecordMapper logRecordMapper;
  private final Clock clock;
  private final List<AutoCloseable> resources;
  private final ThreadPoolExecutor workers;
  private final AtomicLong queuedSpans = new AtomicLong();
  private final AtomicLong pendingJobs = new AtomicLong();
  private final List<CompletableResultCode> flushWaiters = new ArrayList<>();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final AtomicInteger sdkExporters = new AtomicInteger();
  private final CompletableResultCode shutdownResult = new CompletableResultCode();

  CloudWatchExport(
      CloudWatchExportConfig config,
      @Nullable XRayClient xray,
      @Nullable CloudWatchLogsClient logs,
      @Nullable OtlpHttpTraceSender otlp,
      ExportRetries retries,
      Clock clock,
      ThrottledLogger dropLog,
      List<AutoCloseable> resources) {
    this.config = config;
    this.stats = new ExportStats(retries::retries);
    this.dropLog = dropLog;
    this.resources = List.copyOf(resources);
    boolean xrayMode = config.traces() == CloudWatchExportConfig.Traces.XRAY && xray != null;
    this.translator = xrayMode
        ? new SegmentTranslator(config.indexedAttributes(), config.validateTraceIdEpoch(),
            config.contentLogs() ? config.logGroup() : null, clock, config.spanContent())
        : null;
    this.xraySender = xrayMode ? new XRaySegmentSender(xray, retries.rounds()) : null;
    this.otlpSender = config.traces() == CloudWatchExportConfig.Traces.OTLP ? otlp : null;
    this.logsSender = config.logsEnabled() && logs != null
        ? new CloudWatchLogsSender(logs, config.logGroup(), config.logStream(), new LogEventBatcher())
        : null;
    this.contentMapper = config.contentLogs() ? new ContentLogMapper() : null;
    this.emfMapper = config.emfMetrics() ? new EmfMapper(config.emfNamespace()) : null;
    // Forwarded log records carry content (ADOT content logs, hook events): they follow CONTENT_LOGS.
    this.logRecordMapper = config.contentLogs() ? new LogRecordMapper() : null;
    this.clock = clock;
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
   * client, retried by the SDK's standard strategy with the configuration's attempts and backoff
   * ({@code requestTimeout} bounds each attempt), and the JDK HTTP client for OTLP, retried by the
   * same strategy driven by hand.
   *
   * @throws software.amazon.awssdk.core.exception.SdkClientException when no region can be found
   */
  public static CloudWatchExport create(CloudWatchExportConfig config) {
    String region = config.region().orElseGet(() -> DefaultAwsRegionProviderChain.builder().build().getRegion().id());
    AwsCredentialsProvider credentials = config.credentialsProvider()
        .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    ExportRetries retries = new ExportRetries(config.retryPolicy(), Sleeper.THREAD);
    List<AutoCloseable> resources = new ArrayList<>();
    XRayClient xray = null;
    CloudWatchLogsClient logs = null;
    OtlpHttpTraceSender otlp = null;
    if (config.traces() == CloudWatchExportConfig.Traces.XRAY) {
      SdkHttpClient http = httpClient(config);
      resources.add(http);
      var builder = XRayClient.builder().region(Region.of(region)).credentialsProvider(credentials)
          .httpClient(http).overrideConfiguration(o -> clientOverride(o, retries, config));
      config.xrayEndpoint().ifPresent(builder::endpointOverride);
      xray = builder.build();
      resources.add(xray);
    }
    if (config.logsEnabled()) {
      SdkHttpClient http = httpClient(config);
      resources.add(http);
      var builder = CloudWatchLogsClient.builder().region(Region.of(region)).credentialsProvider(credentials)
          .httpClient(http).overrideConfiguration(o -> clientOverride(o, retries, config));
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
      otlp = new OtlpHttpTraceSender(config.otlpTracesEndpoint(region, dnsSuffix), region, credentials, http, retries.otlpLoop(),
          config.otlpGzip(), config.requestTimeout(), Clock.systemUTC());
    }
    CloudWatchExport export = new CloudWatchExport(config, xray, logs, otlp, retries, Clock.systemUTC(),
        new ThrottledLogger(LOG), resources);
    LOG.info("CloudWatch export started: region {}, {}", region, config);
    return export;
  }

  /** The shared policy's strategy and retry counter; each attempt, not the whole call, is bounded. */
  private static void clientOverride(
      ClientOverrideConfiguration.Builder o, ExportRetries retries,
      CloudWatchExportConfig config) {
    retries.clientOverride().accept(o);
    o.apiCallAttemptTimeout(config.requestTimeout());
  }

  private static SdkHttpClient httpClient(CloudWatchExportConfig config) {
    return UrlConnectionHttpClient.builder()
        .connectionTimeout(config.requestTimeout())
        .socketTimeout(config.requestTimeout())
        .build();
  }

  /**
   * Queues a request for export and returns at once; never blocks and never throws. The request
   * must not be changed afterwards (protobuf messages are immutable). Resources marked {@value
   * #EXPORTED_ATTRIBUTE}{@code =true} (the runtime exported them itself) are skipped and counted.
   *
   * @param tenant the tenant the spans belong to (written into log events), or null
   * @return false when the request was dropped (queue full or shut down), which is counted
   */
  public boolean forward(@Nullable String tenant, ExportTraceServiceRequest request) {
    ExportTraceServiceRequest unmarked = request;
    if (request.getResourceSpansList().stream().anyMatch(rs -> exported(rs.getResource()))) {
      ExportTraceServiceRequest.Builder kept = ExportTraceServiceRequest.newBuilder();
      int skipped = 0;
      for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
        if (exported(resourceSpans.getResource())) {
          skipped += resourceSpans.getScopeSpansList().stream().mapToInt(ScopeSpans::getSpansCount).sum();
        } else {
          kept.addResourceSpans(resourceSpans);
        }
      }
      stats.add(Counter.SPANS_SKIPPED_ALREADY_EXPORTED, skipped);
      unmarked = kept.build();
    }
    return submit(tenant, unmarked);
  }

  /** {@link #forward} without the already-exported check: the runtime's own exporter. */
  boolean submit(@Nullable String tenant, ExportTraceServiceRequest request) {
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
      workers.execute(new Job(tenant, request, null, spans));
    } catch (RejectedExecutionException e) {
      queuedSpans.addAndGet(-spans);
      jobDone();
      drop(Counter.SPANS_DROPPED_SHUTDOWN, spans, "export is shut down");
      return false;
    }
    stats.add(Counter.SPANS_ACCEPTED, spans);
    return true;
  }

  /**
   * Queues OTLP log records (ADOT content logs, GenAI events, the runtime's hook-event records)
   * for the log group, as {@link #forward} does spans: never blocks, never throws, resources
   * marked {@value #EXPORTED_ATTRIBUTE}{@code =true} skipped. Records count against the same
   * queue bound as spans. Without content logs ({@code CONTENT_LOGS=false}) nothing is forwarded.
   *
   * @return false when the records were dropped (queue full or shut down), which is counted
   */
  public boolean forwardLogs(@Nullable String tenant, ExportLogsServiceRequest request) {
    ExportLogsServiceRequest unmarked = request;
    if (request.getResourceLogsList().stream().anyMatch(rl -> exported(rl.getResource()))) {
      ExportLogsServiceRequest.Builder kept = ExportLogsServiceRequest.newBuilder();
      int skipped = 0;
      for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
        if (exported(resourceLogs.getResource())) {
          skipped += resourceLogs.getScopeLogsList().stream().mapToInt(ScopeLogs::getLogRecordsCount).sum();
        } else {
          kept.addResourceLogs(resourceLogs);
        }
      }
      stats.add(Counter.LOG_RECORDS_SKIPPED_ALREADY_EXPORTED, skipped);
      unmarked = kept.build();
    }
    return submitLogs(tenant, unmarked);
  }

  /** {@link #forwardLogs} without the already-exported check: the runtime's own exporter. */
  boolean submitLogs(@Nullable String tenant, ExportLogsServiceRequest request) {
    if (logRecordMapper == null || logsSender == null) {
      return true;
    }
    int records = 0;
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        records += scopeLogs.getLogRecordsCount();
      }
    }
    if (records == 0) {
      return true;
    }
    if (shutdown.get()) {
      dropLogs(Counter.LOG_RECORDS_DROPPED_SHUTDOWN, records, "export is shut down");
      return false;
    }
    long queued = queuedSpans.addAndGet(records);
    if (queued > config.maxQueuedSpans()) {
      queuedSpans.addAndGet(-records);
      dropLogs(Counter.LOG_RECORDS_DROPPED_QUEUE_FULL, records, "queue full (" + config.maxQueuedSpans() + " items)");
      return false;
    }
    pendingJobs.incrementAndGet();
    try {
      workers.execute(new Job(tenant, null, request, records));
    } catch (RejectedExecutionException e) {
      queuedSpans.addAndGet(-records);
      jobDone();
      dropLogs(Counter.LOG_RECORDS_DROPPED_SHUTDOWN, records, "export is shut down");
      return false;
    }
    stats.add(Counter.LOG_RECORDS_ACCEPTED, records);
    return true;
  }

  /**
   * An SDK {@code LogRecordExporter} over this pipeline (the runtime's log records); shuts the export
   * down as {@link #spanExporter()} says.
   */
  public LogRecordExporter logRecordExporter() {
    sdkExporters.incrementAndGet();
    return new CloudWatchLogRecordExporter(this);
  }

  private static boolean exported(Resource resource) {
    for (KeyValue kv : resource.getAttributesList()) {
      if (kv.getKey().equals(EXPORTED_ATTRIBUTE)) {
        AnyValue v = kv.getValue();
        return v.getBoolValue() || "true".equalsIgnoreCase(v.getStringValue());
      }
    }
    return false;
  }

  /**
   * An SDK {@code SpanExporter} over this pipeline. The export shuts down when the last of its SDK
   * exporters ({@link #spanExporter()}, {@link #logRecordExporter()}) shuts down: an SDK closes its
   * tracer and logger providers independently, and the first must not cut off the other's last batch.
   */
  public SpanExporter spanExporter() {
    sdkExporters.incrementAndGet();
    return new CloudWatchSpanExporter(this);
  }

  /** An SDK exporter over this export shut down: the export shuts down with the last one, else it flushes. */
  CompletableResultCode exporterShutdown() {
    return sdkExporters.decrementAndGet() <= 0 ? shutdown() : flush();
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

  private void dropLogs(Counter reason, long records, String why) {
    stats.add(reason, records);
    dropLog.warn("CloudWatch export dropped {} log records: {}", records, why);
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

  /** One queued request: spans or log records. */
  private final class Job implements Runnable {
    @Nullable private final String tenant;
    @Nullable private final ExportTraceServiceRequest request;
    @Nullable private final ExportLogsServiceRequest logs;
    private final int spans;

    Job(@Nullable String tenant, @Nullable ExportTraceServiceRequest request, @Nullable ExportLogsServiceRequest logs,
        int items) {
      this.tenant = tenant;
      this.request = request;
      this.logs = logs;
      this.spans = items;
    }

    @Override
    public void run() {
      try {
        if (request != null) {
          ExportTraceServiceRequest enriched = withLogGroup(request);
          exportTraces(enriched, spans);
          exportLogs(tenant, request);
        } else if (logs != null) {
          exportLogRecords(tenant, logs);
        }
      } catch (RuntimeException e) {
        // A bug in translation must not kill the worker; what was not sent is counted.
        stats.add(request != null ? Counter.SPANS_SKIPPED_UNTRANSLATABLE : Counter.LOG_EVENTS_FAILED, spans);
        dropLog.warn("CloudWatch export failed on a request of {} items", spans, e);
      } finally {
        queuedSpans.addAndGet(-spans);
        jobDone();
      }
    }
  }

  /**
   * The request with resource {@value #LOG_GROUP_NAMES} set to our log group where it is missing
   * (content logs on), so CloudWatch's GenAI Observability and the X-Ray console link spans to
   * their content in both trace modes. A producer's own value is kept.
   */
  ExportTraceServiceRequest withLogGroup(ExportTraceServiceRequest request) {
    if (!config.contentLogs()) {
      return request;
    }
    boolean missing = false;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      if (resourceSpans.getResource().getAttributesList().stream().noneMatch(kv -> kv.getKey().equals(LOG_GROUP_NAMES))) {
        missing = true;
        break;
      }
    }
    if (!missing) {
      return request;
    }
    ExportTraceServiceRequest.Builder out = request.toBuilder();
    for (ResourceSpans.Builder resourceSpans : out.getResourceSpansBuilderList()) {
      if (resourceSpans.getResource().getAttributesList().stream().noneMatch(kv -> kv.getKey().equals(LOG_GROUP_NAMES))) {
        resourceSpans.getResourceBuilder().addAttributes(KeyValue.newBuilder().setKey(LOG_GROUP_NAMES)
            .setValue(AnyValue.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(AnyValue.newBuilder().setStringValue(config.logGroup())))));
      }
    }
    return out.build();
  }

  private void exportLogRecords(@Nullable String tenant, ExportLogsServiceRequest request) {
    if (logsSender == null || logRecordMapper == null) {
      return;
    }
    List<LogEvent> events = new ArrayList<>();
    long now = clock.millis();
    for (ResourceLogs resourceLogs : request.getResourceLogsList()) {
      for (ScopeLogs scopeLogs : resourceLogs.getScopeLogsList()) {
        for (LogRecord record : scopeLogs.getLogRecordsList()) {
          events.add(logRecordMapper.event(resourceLogs.getResource(), scopeLogs.getScope(), record, tenant, now));
        }
      }
    }
    sendLogEvents(events);
  }

  private void exportTraces(ExportTraceServiceRequest request, int spans) {
    if (translator != null && xraySender != null) {
      SegmentTranslator.Translation translation = translator.translate(request);
      stats.add(Counter.SPANS_SKIPPED_UNTRANSLATABLE, translation.skipped().size());
      stats.add(Counter.SEGMENTS_TRIMMED, translation.trimmedCount());
      XRaySegmentSender.Result result = xraySender.send(translation.documents());
      stats.add(Counter.XRAY_BATCHES, XRaySegmentSender.batches(translation.documents()).size());
      stats.add(Counter.XRAY_BYTES, translation.documents().stream().mapToLong(d -> d.json().getBytes(StandardCharsets.UTF_8).length).sum());
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
      ExportTraceServiceRequest outgoing = config.spanContent() ? request : ContentAttributes.strip(request);
      OtlpHttpTraceSender.Result result = otlpSender.send(outgoing);
      stats.add(Counter.OTLP_REQUESTS, OtlpHttpTraceSender.split(outgoing).size());
      stats.add(Counter.OTLP_BYTES, outgoing.getSerializedSize());
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
    sendLogEvents(events);
  }

  private void sendLogEvents(List<LogEvent> events) {
    if (events.isEmpty() || logsSender == null) {
      return;
    }
    stats.add(Counter.LOG_EVENTS_QUEUED, events.size());
    CloudWatchLogsSender.Result result = logsSender.send(events);
    stats.add(Counter.LOG_EVENTS_SENT, result.sent());
    stats.add(Counter.LOG_EVENTS_FAILED, result.rejected());
    stats.add(Counter.LOG_EVENTS_TRUNCATED, result.truncated());
    stats.add(Counter.LOG_BATCHES, result.batches());
    stats.add(Counter.LOG_BYTES, result.bytes());
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
