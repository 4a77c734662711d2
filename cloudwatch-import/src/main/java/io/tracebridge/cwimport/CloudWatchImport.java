package io.tracebridge.cwimport;

import com.fasterxml.jackson.databind.JsonNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.resource.v1.Resource;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingIssue;
import io.tracebridge.mapper.Usage;
import io.tracebridge.receiver.ExportOutcome;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.TraceReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.LogGroup;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.GetTraceSummariesRequest;
import software.amazon.awssdk.services.xray.model.GetTraceSummariesResponse;
import software.amazon.awssdk.services.xray.model.Segment;
import software.amazon.awssdk.services.xray.model.TraceSummary;

/**
 * {@code tracebridge import cloudwatch}: runs that only CloudWatch has, stored as if they had been
 * received. Reads, page by page, the {@code aws/spans} log group (spans, one per event), the agents'
 * log groups (content log records; spans too, for producers that send spans to their own group),
 * then X-Ray traces that neither gave (GetTraceSummaries, BatchGetTraces); turns each page into one
 * OTLP traces and one OTLP logs request and hands them to the receiver's own {@link
 * TraceExportHandler} and {@link LogsExportHandler} (mapper, trace context filler, store). So the
 * records, and usage, are exactly what a live ingest of the same spans gives, and a second import
 * or an overlapping live ingest writes the same record ids again: nothing is counted twice.
 *
 * <p>After each page is durably stored its position goes to the {@link Checkpoint}; an interrupted
 * import rerun with the same arguments continues from there. Not thread-safe: one run at a time.
 */
public final class CloudWatchImport {
  /** The log group Transaction Search writes spans to. */
  public static final String SPANS_LOG_GROUP = "aws/spans";
  /** Where AgentCore Runtime agents' log groups live (content events). */
  public static final String AGENTCORE_LOG_GROUP_PREFIX = "/aws/bedrock-agentcore/runtimes/";
  /** X-Ray's GetTraceSummaries is asked for at most this much time per call. */
  static final Duration XRAY_WINDOW = Duration.ofHours(6);
  /** BatchGetTraces takes at most this many trace ids per call. */
  static final int XRAY_BATCH = 5;
  private static final long STORE_TIMEOUT_SECONDS = 300;

  /**
   * What to import.
   *
   * @param from start of the window (inclusive)
   * @param to end of the window (exclusive)
   * @param logGroups the agents' log groups to read besides {@code aws/spans} (which is always
   *     read); empty: every AgentCore runtime group
   * @param services only runs of these {@code service.name}s; empty: every service
   * @param xray also import X-Ray traces that the log groups did not have
   * @param tenant the tenant the records are stored for
   * @param pageSize events per FilterLogEvents page (1..10,000)
   * @param checkpointFile where positions are kept; null: not kept
   * @param restart ignore an existing checkpoint
   * @param table the store's table name (part of the checkpoint's job)
   */
  public record Options(Instant from, Instant to, List<String> logGroups, List<String> services, boolean xray,
      String tenant, int pageSize, @Nullable java.nio.file.Path checkpointFile, boolean restart, String table) {
    public Options {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!to.isAfter(from)) {
        throw new IllegalArgumentException("--to must be after --from, was " + from + " .. " + to);
      }
      if (pageSize < 1 || pageSize > 10_000) {
        throw new IllegalArgumentException("--page-size must be 1..10000, was " + pageSize);
      }
      logGroups = List.copyOf(logGroups);
      services = List.copyOf(services);
    }

    /** The identity of the job a checkpoint belongs to. */
    String job() {
      String key = String.join("\n", from.toString(), to.toString(), String.join(",", logGroups),
          String.join(",", services), Boolean.toString(xray), tenant, table);
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
            .digest(key.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Thrown when {@link #stopAfterPages} pages were done: an interruption, for tests. */
  public static final class Interrupted extends RuntimeException {
    Interrupted(long pages) {
      super("import stopped after " + pages + " page(s) (checkpoint kept)");
    }
  }

  private final CloudWatchLogsClient logs;
  @Nullable private final XRayClient xray;
  private final TraceExportHandler traces;
  private final LogsExportHandler logRecords;
  private final TraceReader reader;
  private final Progress progress;
  private long stopAfterPages = Long.MAX_VALUE;

  // per run
  private final Map<String, Long> skipped = new LinkedHashMap<>();
  private final Set<String> traceIds = new LinkedHashSet<>();
  private long spans;
  private long logCount;
  private long recordsWritten;
  private long pages;
  private long items;

  /**
   * @param logs the CloudWatch Logs client
   * @param xray the X-Ray client, or null when X-Ray is not read
   * @param traces the receiver's traces export handler
   * @param logRecords the receiver's logs export handler (over the same durable sink)
   * @param reader the store, to check what is already stored and to sum up at the end
   * @param progress the progress line
   */
  public CloudWatchImport(CloudWatchLogsClient logs, @Nullable XRayClient xray, TraceExportHandler traces,
      LogsExportHandler logRecords, TraceReader reader, Progress progress) {
    this.logs = Objects.requireNonNull(logs, "logs");
    this.xray = xray;
    this.traces = Objects.requireNonNull(traces, "traces");
    this.logRecords = Objects.requireNonNull(logRecords, "logRecords");
    this.reader = Objects.requireNonNull(reader, "reader");
    this.progress = Objects.requireNonNull(progress, "progress");
  }

  /** Stops (with {@link Interrupted}) once this many pages were stored in a run: an interruption, for tests. */
  public CloudWatchImport stopAfterPages(long n) {
    this.stopAfterPages = n;
    return this;
  }

  /**
   * Imports the window; blocks until every page is stored.
   *
   * @throws Interrupted when {@link #stopAfterPages} pages were done
   * @throws io.tracebridge.store.StoreException (wrapped or not) when the store fails after its retries
   */
  public ImportSummary run(Options options) {
    skipped.clear();
    traceIds.clear();
    spans = logCount = recordsWritten = pages = items = 0;
    Checkpoint checkpoint = Checkpoint.open(options.checkpointFile(), options.job(), options.restart());
    List<String> groups = new ArrayList<>(List.of(SPANS_LOG_GROUP));
    (options.logGroups().isEmpty() ? discoverGroups() : options.logGroups()).stream()
        .filter(g -> !groups.contains(g))
        .forEach(groups::add);
    List<Instant[]> windows = options.xray() && xray != null ? xrayWindows(options) : List.of();
    int sources = groups.size() + windows.size();
    int done = 0;
    try {
      for (String group : groups) {
        importGroup(group, options, checkpoint, done, sources);
        done++;
      }
      for (Instant[] window : windows) {
        importXRay(window, options, checkpoint, done, sources);
        done++;
      }
    } finally {
      progress.finish();
    }
    return summarize(options.tenant(), checkpoint.resumed());
  }

  private List<String> discoverGroups() {
    List<String> groups = new ArrayList<>();
    logs.describeLogGroupsPaginator(b -> b.logGroupNamePrefix(AGENTCORE_LOG_GROUP_PREFIX)).logGroups().stream()
        .map(LogGroup::logGroupName)
        .forEach(groups::add);
    return groups;
  }

  private void importGroup(String group, Options options, Checkpoint checkpoint, int done, int sources) {
    String source = "logs:" + group;
    Checkpoint.Position position = checkpoint.position(source);
    if (position.done()) {
      return;
    }
    long fromMs = options.from().toEpochMilli();
    long toMs = options.to().toEpochMilli() - 1;
    FilterLogEventsRequest.Builder request = FilterLogEventsRequest.builder()
        .logGroupName(group).startTime(fromMs).endTime(toMs).limit(options.pageSize());
    if (position.nextToken() != null) {
      request.nextToken(position.nextToken());
    }
    long pagesOfSource = position.pages();
    long lastTimestamp = position.lastTimestampMs();
    Iterator<FilterLogEventsResponse> reading;
    try {
      reading = logs.filterLogEventsPaginator(request.build()).iterator();
      reading.hasNext(); // the first call: a stale token or a missing group fails here
    } catch (InvalidParameterException expired) {
      if (position.nextToken() == null) {
        throw expired;
      }
      // A pagination token does not live for ever: go on from the last event stored instead
      // (events of that millisecond are read again, which the store absorbs).
      skip("checkpoint token of " + group + " expired: resumed from its last event time");
      reading = logs.filterLogEventsPaginator(request.nextToken(null)
          .startTime(Math.max(fromMs, lastTimestamp)).build()).iterator();
    } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException e) {
      skip("log group " + group + " does not exist");
      reading = java.util.Collections.emptyIterator();
    }
    Iterator<FilterLogEventsResponse> pageIterator = reading;
    try {
      while (pageIterator.hasNext()) {
        FilterLogEventsResponse page = pageIterator.next();
        OtlpBatch batch = new OtlpBatch();
        for (FilteredLogEvent event : page.events()) {
          items++;
          lastTimestamp = Math.max(lastTimestamp, event.timestamp() == null ? 0 : event.timestamp());
          read(event.message(), options.services(), batch, this::skip);
        }
        store(options.tenant(), batch);
        pagesOfSource++;
        pages++;
        String next = page.nextToken();
        checkpoint.advance(source, new Checkpoint.Position(next, lastTimestamp, pagesOfSource, false));
        double within = lastTimestamp <= fromMs ? 0 : (double) (lastTimestamp - fromMs) / Math.max(1, toMs - fromMs);
        progress.update(group, items, (done + Math.min(1, within)) / sources);
        if (pages >= stopAfterPages) {
          throw new Interrupted(pages);
        }
      }
    } catch (software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException e) {
      skip("log group " + group + " does not exist");
    }
    checkpoint.advance(source, new Checkpoint.Position(null, lastTimestamp, pagesOfSource, true));
    progress.update(group, items, (double) (done + 1) / sources);
  }

  /**
   * Adds one log event message to {@code batch} (a span or a log record), or tells {@code skip}
   * why it is not imported.
   */
  static void read(String message, List<String> services, OtlpBatch batch, Consumer<String> skip) {
    CloudWatchEvents.Parsed parsed = CloudWatchEvents.parse(message);
    switch (parsed.kind()) {
      case TEXT -> skip.accept("log event that is not JSON (plain text)");
      case EMF -> skip.accept("EMF metric line (no run data)");
      case UNKNOWN_JSON -> skip.accept("JSON log event that is neither a span nor a log record");
      case SPAN, LOG_RECORD -> {
        JsonNode json = parsed.json();
        Resource resource = CloudWatchEvents.resource(json);
        if (!services.isEmpty() && !services.contains(CloudWatchEvents.serviceName(resource))) {
          skip.accept("service not selected by --service");
          return;
        }
        InstrumentationScope scope = CloudWatchEvents.scope(json);
        try {
          if (parsed.kind() == CloudWatchEvents.Kind.SPAN) {
            batch.addSpan(resource, scope, CloudWatchEvents.span(json));
          } else {
            batch.addLog(resource, scope, CloudWatchEvents.logRecord(json));
          }
        } catch (IllegalArgumentException e) {
          skip.accept(e.getMessage());
        }
      }
      default -> throw new IllegalStateException();
    }
  }

  private List<Instant[]> xrayWindows(Options options) {
    List<Instant[]> windows = new ArrayList<>();
    for (Instant at = options.from(); at.isBefore(options.to()); at = at.plus(XRAY_WINDOW)) {
      Instant end = at.plus(XRAY_WINDOW).isAfter(options.to()) ? options.to() : at.plus(XRAY_WINDOW);
      windows.add(new Instant[] {at, end});
    }
    return windows;
  }

  private void importXRay(Instant[] window, Options options, Checkpoint checkpoint, int done, int sources) {
    String source = "xray:" + window[0];
    Checkpoint.Position position = checkpoint.position(source);
    if (position.done()) {
      return;
    }
    GetTraceSummariesRequest.Builder request = GetTraceSummariesRequest.builder()
        .startTime(window[0]).endTime(window[1]);
    if (position.nextToken() != null) {
      request.nextToken(position.nextToken());
    }
    long pagesOfSource = position.pages();
    for (GetTraceSummariesResponse page : xray.getTraceSummariesPaginator(request.build())) {
      List<String> wanted = new ArrayList<>();
      for (TraceSummary summary : page.traceSummaries()) {
        items++;
        String traceId = w3c(summary.id());
        if (traceId == null) {
          skip("X-Ray trace with a malformed id");
        } else if (traceIds.contains(traceId)) {
          skip("X-Ray trace already read from the log groups");
        } else if (!awaitStore(reader.findByTrace(options.tenant(), traceId)).isEmpty()) {
          skip("X-Ray trace already stored (live ingest or an earlier import)");
        } else {
          wanted.add(summary.id());
        }
      }
      for (int i = 0; i < wanted.size(); i += XRAY_BATCH) {
        List<String> ids = wanted.subList(i, Math.min(wanted.size(), i + XRAY_BATCH));
        Map<String, List<String>> documents = new LinkedHashMap<>();
        xray.batchGetTracesPaginator(b -> b.traceIds(ids)).forEach(r -> {
          r.traces().forEach(t -> documents.computeIfAbsent(t.id(), k -> new ArrayList<>())
              .addAll(t.segments().stream().map(Segment::document).toList()));
          r.unprocessedTraceIds().forEach(u -> skip("X-Ray trace not returned by BatchGetTraces"));
        });
        OtlpBatch batch = new OtlpBatch();
        for (List<String> docs : documents.values()) {
          List<String> problems = new ArrayList<>();
          for (XRaySegments.Converted c : XRaySegments.spans(docs, problems)) {
            String service = CloudWatchEvents.serviceName(c.resource());
            if (!options.services().isEmpty() && !options.services().contains(service)) {
              skip("service not selected by --service");
            } else {
              batch.addSpan(c.resource(), c.scope(), c.span());
            }
          }
          problems.forEach(this::skip);
        }
        store(options.tenant(), batch);
      }
      pagesOfSource++;
      pages++;
      checkpoint.advance(source, new Checkpoint.Position(page.nextToken(), 0, pagesOfSource, false));
      progress.update("X-Ray " + window[0], items, (done + 0.5) / sources);
      if (pages >= stopAfterPages) {
        throw new Interrupted(pages);
      }
    }
    checkpoint.advance(source, new Checkpoint.Position(null, 0, pagesOfSource, true));
    progress.update("X-Ray " + window[0], items, (double) (done + 1) / sources);
  }

  /** Stores one page: traces first, then logs, each durably before the next; counts what was rejected. */
  private void store(String tenant, OtlpBatch batch) {
    if (batch.spanCount() > 0) {
      ExportTraceServiceRequest request = batch.traces();
      account(awaitStore(traces.export(tenant, request)));
      spans += batch.spanCount();
    }
    if (batch.logCount() > 0) {
      ExportLogsServiceRequest request = batch.logs();
      account(awaitStore(logRecords.export(tenant, request)));
      logCount += batch.logCount();
    }
    traceIds.addAll(batch.traceIds());
  }

  private void account(ExportOutcome outcome) {
    recordsWritten += outcome.storedRecords();
    if (outcome.rejected() > 0) {
      List<MappingIssue> issues = outcome.issues();
      if (issues.size() == outcome.rejected()) {
        // One issue per rejected item: counted by reason (the span id left out).
        issues.forEach(issue -> skip("rejected by the mapper: " + issue.reason()));
      } else {
        // Issues also hold warnings about items that were stored: only the count is certain.
        skipped.merge("rejected by the mapper", (long) outcome.rejected(), Long::sum);
      }
    }
  }

  private void skip(String reason) {
    skipped.merge(reason, 1L, Long::sum);
  }

  private ImportSummary summarize(String tenant, boolean resumed) {
    long inStore = 0;
    Usage usage = Usage.ZERO;
    for (String traceId : traceIds) {
      List<FunctionalRecord> records = awaitStore(reader.findByTrace(tenant, traceId));
      inStore += records.size();
      usage = usage.plus(billedUsage(records));
    }
    return new ImportSummary(traceIds.size(), spans, logCount, recordsWritten, inStore, usage, skipped, pages, resumed);
  }

  /** A trace's usage as billing counts it (span-mapper's UsageRule): its model calls, or while it has none its agent-level totals. */
  static Usage billedUsage(List<FunctionalRecord> trace) {
    return io.tracebridge.mapper.UsageRule.total(trace);
  }

  @Nullable
  static String w3c(@Nullable String xrayId) {
    byte[] id = OtlpValues.id(xrayId == null ? null : CloudWatchEvents.JSON.getNodeFactory().textNode(xrayId), 16);
    return id == null ? null : HexFormat.of().formatHex(id);
  }

  private static <T> T awaitStore(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(STORE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while storing", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the store did not answer within " + STORE_TIMEOUT_SECONDS + " s", e);
    }
  }
}
