package io.tracebridge.cwimport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.logs.v1.LogsServiceGrpc;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.cloudwatch.MotoServer;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.Usage;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbLocalServer;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.xray.XRayClient;

/**
 * The import against moto's server mode on loopback (the real CloudWatch Logs and X-Ray wire
 * protocols) and DynamoDB Local: a set of runs is written where AgentCore puts them (spans in
 * {@code aws/spans}, content in the runtime's log group, one run only in X-Ray, one run in both),
 * the same runs are ingested once, cleanly, through a real OTLP/gRPC receiver (tenant {@code
 * clean}); then each test imports them for a tenant of its own and compares records and usage
 * with the clean ingest: imported twice; imported while the same runs are live-ingested through
 * the receiver; interrupted after some pages and resumed. Run with {@code -Pinterop} after {@code
 * .ci/interop-moto.sh}.
 */
class CloudWatchImportInteropIT {
  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  private static final String RUNTIME_GROUP = "/aws/bedrock-agentcore/runtimes/calculator-Ab12Cd34Ef-DEFAULT";
  private static final String TABLE = "cloudwatch-import-it";
  private static final int PAGE_SIZE = 5;

  private static MotoServer moto;
  private static MotoProxy proxy;
  private static DynamoDbLocalServer dynamo;
  private static DynamoDbTraceStore store;
  private static OtlpGrpcReceiver receiver;
  private static ManagedChannel channel;
  private static CloudWatchLogsClient logs;
  private static XRayClient xray;
  private static final List<Run> RUNS = new ArrayList<>();
  private static Instant from;
  private static Instant to;

  /** One run as the live path gets it (OTLP) and as CloudWatch holds it. */
  record Run(String traceId, ExportTraceServiceRequest spans, ExportLogsServiceRequest logs, boolean xrayOnly) {}

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    dynamo = DynamoDbLocalServer.start();
    store = DynamoDbTraceStore.create(DynamoDbLocalServer.client(dynamo.endpoint()),
        DynamoDbStoreConfig.builder().tableName(TABLE).build());
    Fixtures.Ingest receiverPath = Fixtures.Ingest.over(store);
    OtlpIngest ingest = new OtlpIngest(receiverPath.traces(), receiverPath.logs(), CloudWatchImportInteropIT::tenantOf,
        ReceiverConfig.builder().host("127.0.0.1").grpcPort(0).httpPort(0).build());
    receiver = OtlpGrpcReceiver.start(ReceiverConfig.builder().host("127.0.0.1").grpcPort(0).httpPort(0).build(), ingest);
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", receiver.port()).usePlaintext().build();
    proxy = new MotoProxy(moto.endpoint());
    logs = CloudWatchLogsClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
        .endpointOverride(proxy.endpoint()).httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(AwsClients.retries()).build();
    xray = XRayClient.builder().region(Region.US_EAST_1).credentialsProvider(CREDENTIALS)
        .endpointOverride(proxy.endpoint()).httpClient(UrlConnectionHttpClient.create())
        .overrideConfiguration(AwsClients.retries()).build();

    writeRunsToCloudWatch();
    liveIngest("clean");
  }

  @AfterAll
  static void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    if (receiver != null) {
      receiver.close();
    }
    if (store != null) {
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    if (logs != null) {
      logs.close();
      xray.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    if (dynamo != null) {
      dynamo.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  private static String tenantOf(String authorization) throws AuthenticationException {
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      throw new AuthenticationException("no key");
    }
    return authorization.substring("Bearer ".length());
  }

  /**
   * Three runs in the log groups (two default-mode, one latest-mode capture; the first also
   * indexed in X-Ray, as Transaction Search indexes some traces), one run only in X-Ray (written
   * as our exporter writes it), an hour ago; plus a stdout line and an EMF line in the runtime's
   * group, which the import must skip.
   */
  private static void writeRunsToCloudWatch() {
    Instant base = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    List<String> cases = List.of(Fixtures.CASES.get(0), Fixtures.CASES.get(0), Fixtures.CASES.get(1), Fixtures.CASES.get(0));
    List<Fixtures.Event> spanEvents = new ArrayList<>();
    List<Fixtures.Event> contentEvents = new ArrayList<>();
    List<String> segments = new ArrayList<>();
    for (int i = 0; i < cases.size(); i++) {
      String caseName = cases.get(i);
      long capturedStart = Fixtures.events(caseName, "aws-spans.events.json").get(0).timestamp();
      long shift = (base.plus(Duration.ofMinutes(i)).toEpochMilli() - capturedStart) * 1_000_000L;
      Fixtures.Rerun rerun = new Fixtures.Rerun(shift, () -> HexFormat.of().formatHex(randomBytes(16)));
      ExportTraceServiceRequest spans = OtlpJsonCodec.parseTraces(rerun.rewrite(
          Fixtures.text(Fixtures.ROOT.resolve(caseName).resolve("spans.otlp.json"))).getBytes(StandardCharsets.UTF_8));
      ExportLogsServiceRequest logRecords = OtlpJsonCodec.parseLogs(rerun.rewrite(
          Fixtures.text(Fixtures.ROOT.resolve(caseName).resolve("logs.otlp.json"))).getBytes(StandardCharsets.UTF_8));
      String traceId = HexFormat.of().formatHex(spans.getResourceSpans(0).getScopeSpans(0).getSpans(0).getTraceId().toByteArray());
      boolean xrayOnly = i == 3;
      RUNS.add(new Run(traceId, spans, xrayOnly ? ExportLogsServiceRequest.getDefaultInstance() : logRecords, xrayOnly));
      if (!xrayOnly) {
        Fixtures.events(caseName, "aws-spans.events.json").forEach(e ->
            spanEvents.add(new Fixtures.Event(rerun.shiftMillis(e.timestamp()), rerun.rewrite(e.message()))));
        Fixtures.events(caseName, "content.events.json").forEach(e ->
            contentEvents.add(new Fixtures.Event(rerun.shiftMillis(e.timestamp()), rerun.rewrite(e.message()))));
      }
      if (xrayOnly || i == 0) {
        SegmentTranslator.defaults().translate(spans).documents().forEach(d -> segments.add(d.json()));
      }
    }
    contentEvents.add(new Fixtures.Event(base.toEpochMilli(), "INFO agent runtime listening on 8080"));
    contentEvents.add(new Fixtures.Event(base.toEpochMilli() + 1,
        "{\"_aws\":{\"Timestamp\":1,\"CloudWatchMetrics\":[]},\"InputTokens\":1350}"));
    put(CloudWatchImport.SPANS_LOG_GROUP, "default", spanEvents);
    put(RUNTIME_GROUP, "runtime-logs", contentEvents);
    var unprocessed = xray.putTraceSegments(b -> b.traceSegmentDocuments(segments)).unprocessedTraceSegments();
    assertThat(unprocessed).isEmpty();
    from = base.minus(Duration.ofMinutes(5));
    to = base.plus(Duration.ofMinutes(cases.size() + 5));
  }

  private static void put(String group, String stream, List<Fixtures.Event> events) {
    logs.createLogGroup(b -> b.logGroupName(group));
    logs.createLogStream(b -> b.logGroupName(group).logStreamName(stream));
    List<InputLogEvent> sorted = events.stream().sorted(Comparator.comparingLong(Fixtures.Event::timestamp))
        .map(e -> InputLogEvent.builder().timestamp(e.timestamp()).message(e.message()).build()).toList();
    logs.putLogEvents(b -> b.logGroupName(group).logStreamName(stream).logEvents(sorted));
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  /** Every run through the real OTLP/gRPC receiver, spans then content, for {@code tenant}. */
  private static void liveIngest(String tenant) {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + tenant);
    var traces = TraceServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    var logRecords = LogsServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    for (Run run : RUNS) {
      var reply = traces.withDeadlineAfter(60, TimeUnit.SECONDS).export(run.spans());
      assertThat(reply.getPartialSuccess().getRejectedSpans()).isZero();
      if (run.logs().getResourceLogsCount() > 0) {
        assertThat(logRecords.withDeadlineAfter(60, TimeUnit.SECONDS).export(run.logs())
            .getPartialSuccess().getRejectedLogRecords()).isZero();
      }
    }
  }

  private static CloudWatchImport importer() {
    Fixtures.Ingest path = Fixtures.Ingest.over(store);
    return new CloudWatchImport(logs, xray, path.traces(), path.logs(), store, Progress.silent());
  }

  private static CloudWatchImport.Options options(String tenant, Path checkpoint, boolean restart) {
    return options(tenant, checkpoint, restart, List.of());
  }

  private static CloudWatchImport.Options options(String tenant, Path checkpoint, boolean restart, List<String> groups) {
    return new CloudWatchImport.Options(from, to, groups, List.of(), true, tenant, PAGE_SIZE, checkpoint, restart, TABLE);
  }

  @Test
  void importedTwiceEqualsOneCleanIngest(@TempDir Path dir) {
    Path checkpoint = dir.resolve("import.json");
    ImportSummary first = importer().run(options("twice", checkpoint, false));
    assertThat(first.runs()).isEqualTo(RUNS.size());
    assertThat(first.skipped()).containsEntry("log event that is not JSON (plain text)", 1L)
        .containsEntry("EMF metric line (no run data)", 1L)
        .containsEntry("X-Ray trace already read from the log groups", 1L);
    assertSameAsClean("twice");
    assertThat(proxy.corrected()).isPositive();

    // Again, from scratch (--restart): every page read and stored again, nothing counted twice.
    ImportSummary second = importer().run(options("twice", checkpoint, true));
    assertThat(second.spans()).isEqualTo(first.spans() - xrayOnlySpans());
    assertThat(second.logRecords()).isEqualTo(first.logRecords());
    assertThat(second.skipped()).containsEntry("X-Ray trace already stored (live ingest or an earlier import)", 1L);
    // Its summary covers the runs it read: all but the X-Ray-only one, which was already stored.
    assertThat(second.runs()).isEqualTo(RUNS.size() - 1);
    Usage fromLogGroups = Usage.ZERO;
    long recordsFromLogGroups = 0;
    for (Run run : RUNS) {
      if (!run.xrayOnly()) {
        fromLogGroups = fromLogGroups.plus(CloudWatchImport.billedUsage(records("clean", run.traceId())));
        recordsFromLogGroups += records("clean", run.traceId()).size();
      }
    }
    assertThat(second.usage()).isEqualTo(fromLogGroups);
    assertThat(second.recordsInStore()).isEqualTo(recordsFromLogGroups);
    assertSameAsClean("twice");
    assertThat(first.usage()).isEqualTo(usageOf("clean"));

    // And the same job once more with its checkpoint: everything is done, nothing read.
    ImportSummary third = importer().run(options("twice", checkpoint, false));
    assertThat(third.pages()).isZero();
    assertThat(third.resumed()).isTrue();
    assertSameAsClean("twice");
  }

  @Test
  void importedWhileTheSameRunsAreLiveIngestedEqualsOneCleanIngest(@TempDir Path dir) throws Exception {
    CountDownLatch go = new CountDownLatch(1);
    CompletableFuture<ImportSummary> imported = CompletableFuture.supplyAsync(() -> {
      await(go);
      return importer().run(options("overlap", dir.resolve("import.json"), false));
    });
    CompletableFuture<Void> live = CompletableFuture.runAsync(() -> {
      await(go);
      liveIngest("overlap");
    });
    go.countDown();
    imported.get(5, TimeUnit.MINUTES);
    live.get(5, TimeUnit.MINUTES);
    assertSameAsClean("overlap");

    // Interleaved deterministically as well: part of an import, the live ingest, the rest (the
    // runtime's group named this time: aws/spans is read anyway).
    Path checkpoint = dir.resolve("interleaved.json");
    List<String> groups = List.of(RUNTIME_GROUP);
    assertThatThrownBy(() -> importer().stopAfterPages(2).run(options("interleaved", checkpoint, false, groups)))
        .isInstanceOf(CloudWatchImport.Interrupted.class);
    liveIngest("interleaved");
    importer().run(options("interleaved", checkpoint, false, groups));
    assertSameAsClean("interleaved");
  }

  @Test
  void interruptedAfterSomePagesAndRerunGivesTheSameResult(@TempDir Path dir) throws Exception {
    Path checkpoint = dir.resolve("import.json");
    assertThatThrownBy(() -> importer().stopAfterPages(3).run(options("resumed", checkpoint, false)))
        .isInstanceOf(CloudWatchImport.Interrupted.class)
        .hasMessageContaining("after 3 page(s)");
    assertThat(Files.readString(checkpoint)).contains("\"pages\" : 3");
    ImportSummary rest = importer().run(options("resumed", checkpoint, false));
    assertThat(rest.resumed()).isTrue();
    ImportSummary whole = importer().run(options("resumed-reference", dir.resolve("reference.json"), false));
    // The rerun went on from the checkpoint: it read only the pages the first run had not stored.
    assertThat(rest.pages()).isEqualTo(whole.pages() - 3);
    assertThat(rest.spans() + rest.logRecords()).isLessThan(whole.spans() + whole.logRecords());
    assertSameAsClean("resumed");
    assertSameAsClean("resumed-reference");
  }

  @Test
  void throttledCallsAreRetriedWithBackoffAndLoseNothing(@TempDir Path dir) {
    long before = proxy.throttled();
    proxy.throttleNext("FilterLogEvents", 3);
    proxy.throttleNext("DescribeLogGroups", 1);
    proxy.throttleNext("/TraceSummaries", 2);
    proxy.throttleNext("/Traces", 1);
    ImportSummary summary = importer().run(options("throttled", dir.resolve("import.json"), false));
    assertThat(proxy.throttled() - before).isEqualTo(7);
    assertThat(summary.runs()).isEqualTo(RUNS.size());
    assertSameAsClean("throttled");
  }

  private static long xrayOnlySpans() {
    return RUNS.stream().filter(Run::xrayOnly)
        .mapToLong(r -> r.spans().getResourceSpans(0).getScopeSpans(0).getSpansCount()).sum();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Records of every run, and usage by agent, session, trace and in all, equal the clean ingest's. */
  private static void assertSameAsClean(String tenant) {
    for (Run run : RUNS) {
      List<FunctionalRecord> clean = Fixtures.comparable(records("clean", run.traceId()));
      List<FunctionalRecord> mine = Fixtures.comparable(records(tenant, run.traceId()));
      assertThat(clean).isNotEmpty();
      if (run.xrayOnly()) {
        // X-Ray keeps times as float seconds (microseconds); everything else is the same.
        assertThat(mine).hasSameSizeAs(clean);
        for (int i = 0; i < clean.size(); i++) {
          assertThat(withTimesOf(mine.get(i), clean.get(i))).as(run.traceId() + " " + i).isEqualTo(clean.get(i));
        }
      } else {
        assertThat(mine).as(tenant + " " + run.traceId()).isEqualTo(clean);
      }
    }
    LocalDate day = LocalDate.ofInstant(from, ZoneOffset.UTC);
    LocalDate last = LocalDate.ofInstant(to, ZoneOffset.UTC);
    for (UsageKind kind : List.of(UsageKind.AGENT, UsageKind.SESSION, UsageKind.TRACE)) {
      assertThat(usage(tenant, kind, day, last)).as(tenant + " usage by " + kind).isEqualTo(usage("clean", kind, day, last));
    }
    assertThat(usageOf(tenant)).isEqualTo(usageOf("clean"));
    assertThat(usageOf(tenant).inputTokens()).isPositive();
  }

  private static FunctionalRecord withTimesOf(FunctionalRecord r, FunctionalRecord reference) {
    assertThat(Math.abs(Duration.between(r.timestamp(), reference.timestamp()).toNanos())).isLessThan(1_000_000);
    return new FunctionalRecord(r.tenant(), r.traceId(), r.xrayTraceId(), r.spanId(), r.parentSpanId(), r.spanName(),
        r.recordId(), r.type(), reference.timestamp(),
        r.durationMs() != null && reference.durationMs() != null && Math.abs(r.durationMs() - reference.durationMs()) <= 1
            ? reference.durationMs() : r.durationMs(),
        r.sessionId(), r.agentId(), r.agentName(), r.model(), r.provider(), r.text(), r.tool(), r.usage(), r.totalUsage(),
        r.finishReason(), r.error(), r.truncated(), r.dialect(), r.originalSize(), r.systemPrompt(), r.messages(),
        r.truncatedFields());
  }

  private static List<FunctionalRecord> records(String tenant, String traceId) {
    return join(store.findByTrace(tenant, traceId));
  }

  private static List<String> usage(String tenant, UsageKind kind, LocalDate fromDay, LocalDate toDay) {
    return join(store.usage(tenant, kind, fromDay, toDay)).stream()
        .map(UsageCell::toString).sorted().toList();
  }

  private static Usage usageOf(String tenant) {
    Usage sum = Usage.ZERO;
    for (Run run : RUNS) {
      sum = sum.plus(CloudWatchImport.billedUsage(records(tenant, run.traceId())));
    }
    Usage stored = Usage.ZERO;
    for (UsageCell cell : join(store.usage(tenant, UsageKind.TENANT, LocalDate.ofInstant(from, ZoneOffset.UTC),
        LocalDate.ofInstant(to, ZoneOffset.UTC)))) {
      stored = stored.plus(cell.usage());
    }
    assertThat(stored).as(tenant + ": the usage billing reads equals its records'").isEqualTo(sum);
    return stored;
  }

  private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
