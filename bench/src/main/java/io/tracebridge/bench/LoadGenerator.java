package io.tracebridge.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.receiver.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.TraceSinks;
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Drives the real OpenTelemetry SDK OTLP/gRPC exporter against an in-process receiver over
 * loopback (mapper, {@link TraceContextFiller}, store) and reports acknowledged spans per second.
 *
 * <p>Arguments (all optional): {@code --store memory|dynamodb} (DynamoDB Local embedded, in
 * memory), {@code --spans N} (stop after N acknowledged spans, default 200000), {@code --seconds
 * S} (stop after S seconds, default 30), {@code --batch B} (spans per export, default 256), {@code
 * --concurrency C} (exports in flight, default 4), {@code --kb K} (message KB per span, default
 * 2).
 *
 * <p>The exporter is called directly, not through a BatchSpanProcessor (which drops silently when
 * its queue is full): every span counted was acknowledged by the receiver, so it is durable.
 * Failed exports are counted separately. Spans are prebuilt in 16 distinct batches that are sent
 * round after round: the store overwrites (idempotent by record id), so memory stays bounded
 * however long it runs.
 */
public final class LoadGenerator {
  private static final int DISTINCT_BATCHES = 16;

  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    String storeKind = "memory";
    long maxSpans = 200_000;
    long seconds = 30;
    int batchSize = 256;
    int concurrency = 4;
    int kb = 2;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--store" -> storeKind = args[i + 1];
        case "--spans" -> maxSpans = Long.parseLong(args[i + 1]);
        case "--seconds" -> seconds = Long.parseLong(args[i + 1]);
        case "--batch" -> batchSize = Integer.parseInt(args[i + 1]);
        case "--concurrency" -> concurrency = Integer.parseInt(args[i + 1]);
        case "--kb" -> kb = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }

    AmazonDynamoDBLocal dynamo = null;
    TraceStore store;
    if (storeKind.equals("dynamodb")) {
      dynamo = DynamoDBEmbedded.create(true);
      store = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), DynamoDbStoreConfig.builder()
          .tableName("bench-records").build());
    } else if (storeKind.equals("memory")) {
      store = new InMemoryTraceStore();
    } else {
      throw new IllegalArgumentException("--store must be memory or dynamodb, was " + storeKind);
    }

    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0)
        .maxExportsInFlight(Math.max(ReceiverConfig.DEFAULT_MAX_EXPORTS_IN_FLIGHT, concurrency))
        .build();
    SpanMapper mapper = new SpanMapper();
    TraceContextFiller filler = new TraceContextFiller(store);
    var live = TraceSinks.composite(List.of());
    OtlpIngest ingest = new OtlpIngest(new TraceExportHandler(mapper, filler, live),
        new LogsExportHandler(mapper, filler, live),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
    OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start(config, ingest);

    List<List<SpanData>> batches = buildBatches(batchSize, kb);
    // The sender's default pool (5 threads, no queue) rejects an export issued from the callback
    // of one still finishing: give it a pool with room for every export this generator has open.
    ExecutorService senderPool = Executors.newFixedThreadPool(concurrency + 2, r -> {
      Thread t = new Thread(r, "loadgen-otlp-sender");
      t.setDaemon(true);
      return t;
    });
    OtlpGrpcSpanExporter exporter = OtlpGrpcSpanExporter.builder()
        .setEndpoint("http://127.0.0.1:" + receiver.port())
        .setTimeout(Duration.ofSeconds(30))
        .setExecutorService(senderPool)
        .build();

    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Semaphore inFlight = new Semaphore(concurrency);
    // Warm-up: a few rounds not counted.
    for (int i = 0; i < DISTINCT_BATCHES * 2; i++) {
      exporter.export(batches.get(i % DISTINCT_BATCHES)).join(30, TimeUnit.SECONDS);
    }
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long sent = 0;
    int next = 0;
    while (sent < maxSpans && System.nanoTime() < deadline) {
      inFlight.acquire();
      List<SpanData> batch = batches.get(next++ % DISTINCT_BATCHES);
      sent += batch.size();
      CompletableResultCode result = exporter.export(batch);
      result.whenComplete(() -> {
        if (result.isSuccess()) {
          acked.addAndGet(batch.size());
        } else {
          failed.addAndGet(batch.size());
        }
        inFlight.release();
      });
    }
    inFlight.acquire(concurrency); // every export answered
    double elapsed = (System.nanoTime() - start) / 1e9;

    System.out.printf("store=%s batch=%d concurrency=%d kb=%d cores=%d%n",
        storeKind, batchSize, concurrency, kb, Runtime.getRuntime().availableProcessors());
    System.out.printf("sent %d spans in %.1f s: acknowledged %d (%.0f spans/s), failed %d, "
            + "turned away by the receiver %d, filler read-backs %d%n",
        sent, elapsed, acked.get(), acked.get() / elapsed, failed.get(), ingest.turnedAway(),
        filler.readBacks());

    exporter.shutdown().join(10, TimeUnit.SECONDS);
    senderPool.shutdown();
    receiver.close();
    store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (dynamo != null) {
      dynamo.shutdown();
    }
  }

  /** {@value #DISTINCT_BATCHES} batches of hook-event chat spans made by the real SDK. */
  private static List<List<SpanData>> buildBatches(int batchSize, int kb) {
    List<List<SpanData>> batches = new ArrayList<>();
    Random random = new Random(7);
    String prompt = "x".repeat(Math.max(0, kb * 1024 - 200));
    for (int b = 0; b < DISTINCT_BATCHES; b++) {
      InMemorySpanExporter memory = InMemorySpanExporter.create();
      try (SdkTracerProvider provider = SdkTracerProvider.builder()
          .addSpanProcessor(SimpleSpanProcessor.create(memory)).build()) {
        Tracer tracer = provider.get("strands.telemetry.tracer");
        for (int i = 0; i < batchSize; i++) {
          Span span = tracer.spanBuilder("chat")
              .setAttribute("gen_ai.operation.name", "chat")
              .setAttribute("gen_ai.system", "strands-agents")
              .setAttribute("gen_ai.request.model", "us.anthropic.claude-sonnet-4-20250514-v1:0")
              .setAttribute("session.id", "session-" + (i % 32))
              .setAttribute("gen_ai.usage.input_tokens", 1200L)
              .setAttribute("gen_ai.usage.output_tokens", 80L)
              .startSpan();
          span.addEvent("model_request", Attributes.builder()
              .put("model.name", "us.anthropic.claude-sonnet-4-20250514-v1:0")
              .put("model.prompt", "question " + random.nextInt() + " " + prompt)
              .build());
          span.addEvent("model_response", Attributes.builder()
              .put("model.response", "answer " + random.nextInt())
              .put("model.finish_reason", "end_turn")
              .build());
          span.end();
        }
        batches.add(List.copyOf(memory.getFinishedSpanItems())); // before close clears it
      }
    }
    return batches;
  }
}
