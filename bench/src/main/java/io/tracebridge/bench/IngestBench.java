package io.tracebridge.bench;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.OtlpIngest;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.receiver.grpc.OtlpGrpcReceiver;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.store.dynamodb.SlowedDynamoDb;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Fresh ingest through the real receiver path against DynamoDB Local, beside what DynamoDB Local
 * itself does with the same items (issue 13). The path: OpenTelemetry SDK {@code
 * OtlpGrpcSpanExporter} (one per {@code --connections}) → loopback gRPC → {@link OtlpIngest} →
 * {@link TraceExportHandler} ({@link SpanMapper}) → {@link TraceContextFiller} → {@link
 * DynamoDbTraceStore} with its default configuration, its client wrapped in {@link
 * CountingDynamoDb} (calls, items, write units and calls in flight per operation).
 *
 * <p>Load: {@link FreshIdBatches} over {@link AgentRunTemplates} (8-span agent runs, hook-event
 * convention, 16 records per run), {@code --batch} spans per export, {@code --concurrency}
 * exports in flight; every id never sent before.
 *
 * <p>Modes ({@code --mode}):
 * <ul>
 *   <li>{@code ratio} (default; {@code --store memory|disk}): embedded DynamoDB Local (in memory,
 *       or its SQLite file in a temporary directory). A warm-up ingest of {@code --warmup-spans}
 *       records the record items the store writes; then, each into a fresh table the store
 *       creates (same key schema and indexes): (A) those items (re-keyed, same sizes) written with
 *       plain BatchWriteItem of 25 by {@code --threads} threads; (B) the ingest of {@code --spans}
 *       fresh spans (2 records each) through the path above; (C) A again into another fresh table;
 *       (D) the same items as conditional PutItem ({@code attribute_not_exists(pk)}). A and C
 *       write exactly as many record items as B stores. Reports items/s of A, C, D, spans/s,
 *       records/s and items/s of B, and B's records/s over the mean of A and C (the goal: at
 *       least 0.8), with B's calls per operation.
 *   <li>{@code slowed} ({@code --delay} ms, default 5): DynamoDB Local as a server behind
 *       trace-api's {@code FaultInjectingDynamoDbProxy} holding every data call {@code --delay}
 *       ({@link SlowedDynamoDb}); {@code --warmup} s then {@code --seconds} s of ingest, rates per
 *       {@code --interval} and the calls in flight (time-average and most). With {@code --store
 *       sink} the proxy answers every data call itself after the delay, as DynamoDB answers for
 *       traces never written (a table without a capacity limit): what the node sustains at that
 *       latency when DynamoDB Local's single writer is not the bound.
 *   <li>{@code calls}: {@code --runs} fresh 8-span runs, one export each, one at a time, then the
 *       same exports again (re-exports), on embedded DynamoDB Local in memory: calls, items and
 *       write units per operation per run.
 * </ul>
 *
 * <p>The receiver's adaptive export bound is kept at its maximum (latency target 1 h): the
 * senders' {@code --concurrency} is the only bound, so no export is refused (OverloadBench
 * measures the refusals).
 *
 * <p>Other options: {@code --connections} (4), {@code --concurrency} (8), {@code --batch} (256),
 * {@code --calls} (4 model calls per run), {@code --kb} (2 KB of prompt per chat span), {@code
 * --threads} (the baseline's writers, default 4: the store's default write threads), {@code
 * --store-threads} (the store's write threads; default the library's, as {@code up} runs it), {@code
 * --spans} (ratio: 20480), {@code --warmup-spans} (ratio: 8192).
 */
public final class IngestBench {
  private static final int TEMPLATE_RUNS = 64;
  private static final int BATCH_WRITE = 25;
  private static final HexFormat HEX = HexFormat.of();

  private IngestBench() {}

  record Options(String mode, String store, int connections, int concurrency, int batch,
      int calls, int kb, List<Integer> threadCounts, long spans, long warmupSpans, long delayMillis,
      long seconds, long warmupSeconds, long intervalSeconds, int runs, int storeThreads) {
    static Options parse(String[] args) {
      Map<String, String> v = new HashMap<>();
      for (int i = 0; i < args.length; i += 2) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("options are --name value pairs: " + args[i]);
        }
        v.put(args[i].substring(2), args[i + 1]);
      }
      Options o = new Options(v.getOrDefault("mode", "ratio"), v.getOrDefault("store", "memory"),
          i(v, "connections", 4), i(v, "concurrency", 8), i(v, "batch", 256), i(v, "calls", 4),
          i(v, "kb", 2),
          java.util.Arrays.stream(v.getOrDefault("threads", "4").split(","))
              .map(Integer::valueOf).toList(), l(v, "spans", 20480), l(v, "warmup-spans", 8192),
          l(v, "delay", 5), l(v, "seconds", 30), l(v, "warmup", 15), l(v, "interval", 5),
          i(v, "runs", 50), i(v, "store-threads", 0));
      List<String> known = List.of("mode", "store", "connections", "concurrency", "batch", "calls",
          "kb", "threads", "spans", "warmup-spans", "delay", "seconds", "warmup", "interval", "runs",
          "store-threads");
      for (String k : v.keySet()) {
        if (!known.contains(k)) {
          throw new IllegalArgumentException("unknown option --" + k + "; known: " + known);
        }
      }
      return o;
    }

    private static int i(Map<String, String> v, String k, int d) {
      return v.containsKey(k) ? Integer.parseInt(v.get(k)) : d;
    }

    private static long l(Map<String, String> v, String k, long d) {
      return v.containsKey(k) ? Long.parseLong(v.get(k)) : d;
    }
  }

  /** The receiver path over one store, with its senders. */
  private static final class Path2Store implements AutoCloseable {
    final DynamoDbTraceStore store;
    final TraceContextFiller filler;
    final OtlpIngest ingest;
    final OtlpGrpcReceiver receiver;
    final ExecutorService senderPool;
    final List<OtlpGrpcSpanExporter> exporters = new ArrayList<>();
    final AtomicLong recordsStored = new AtomicLong();

    Path2Store(DynamoDbClient client, String table, Options o) {
      DynamoDbStoreConfig.Builder storeConfig = DynamoDbStoreConfig.builder().tableName(table);
      if (o.storeThreads() > 0) {
        storeConfig.writeThreads(o.storeThreads());
      }
      store = DynamoDbTraceStore.create(client, storeConfig.build());
      System.out.println("store: " + store.config());
      store.addListener(records -> recordsStored.addAndGet(records.size()));
      ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0)
          .maxExportsInFlight(
              Math.max(ReceiverConfig.DEFAULT_MAX_EXPORTS_IN_FLIGHT, o.concurrency()))
          // Throughput is measured with the senders as the only bound (closed loop): the
          // adaptive export bound would refuse exports slower than its target, which 256-span
          // exports on a busy 2-core box are (OverloadBench measures the bound).
          .storeLatencyTarget(Duration.ofHours(1))
          .build();
      SpanMapper mapper = new SpanMapper();
      filler = new TraceContextFiller(store);
      ingest = new OtlpIngest(new TraceExportHandler(mapper, filler),
          new LogsExportHandler(mapper, filler),
          TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
      receiver = OtlpGrpcReceiver.start(config, ingest);
      senderPool = Executors.newFixedThreadPool(o.concurrency() + 2, r -> {
        Thread t = new Thread(r, "ingestbench-otlp-sender");
        t.setDaemon(true);
        return t;
      });
      for (int c = 0; c < o.connections(); c++) {
        exporters.add(OtlpGrpcSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + receiver.port())
            .setTimeout(Duration.ofMinutes(10)) // a slow store is measured, not timed out
            .setExecutorService(senderPool)
            .build());
      }
    }

    @Override
    public void close() throws Exception {
      for (OtlpGrpcSpanExporter e : exporters) {
        e.shutdown().join(10, TimeUnit.SECONDS);
      }
      senderPool.shutdown();
      receiver.close();
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  /** Acknowledged and failed spans of a sending phase. */
  record Sent(long acked, long failed, double seconds) {
    double rate() {
      return acked / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    System.out.printf("IngestBench %s: cores=%d, exports of %d spans, %d in flight over %d "
            + "connections, %d KB prompt per chat span%n", String.join(" ", args),
        Runtime.getRuntime().availableProcessors(), o.batch(), o.concurrency(), o.connections(),
        o.kb());
    try {
      switch (o.mode()) {
        case "ratio" -> ratio(o);
        case "slowed" -> slowed(o);
        case "calls" -> calls(o);
        default -> throw new IllegalArgumentException("--mode ratio|slowed|calls, was " + o.mode());
      }
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
    System.exit(0); // DynamoDB Local and the exporters leave non-daemon threads
  }

  private static FreshIdBatches batches(Options o, int tracesPerBatch) {
    return new FreshIdBatches(AgentRunTemplates.build(TEMPLATE_RUNS, o.calls(), o.kb()),
        tracesPerBatch, new SecureRandom().nextLong());
  }

  /**
   * Sends exports {@code from, from+1, ...} of {@code ids}, at most {@code --concurrency} in
   * flight, until {@code maxSpans} are sent or {@code seconds} pass; waits for every answer.
   * Prints the interval rate every {@code interval} seconds (0: never).
   */
  private static Sent send(Path2Store path, FreshIdBatches ids, AtomicLong seq, long maxSpans,
      long seconds, Options o, String phase, long interval, CountingDynamoDb counter)
      throws InterruptedException {
    AtomicLong acked = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    Semaphore inFlight = new Semaphore(o.concurrency());
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    java.util.concurrent.ScheduledExecutorService reporter =
        Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "ingestbench-report");
          t.setDaemon(true);
          return t;
        });
    if (interval > 0) {
      long[] lastAcked = {0};
      CountingDynamoDb.Snapshot[] lastCalls = {counter.snapshot()};
      reporter.scheduleAtFixedRate(() -> {
        CountingDynamoDb.Snapshot now = counter.snapshot();
        CountingDynamoDb.Snapshot d = now.minus(lastCalls[0]);
        long a = acked.get();
        System.out.printf("  %-8s %6.0f s %10.0f spans/s %10.0f calls/s, %6.1f calls in flight "
                + "(mean)%n", phase, (System.nanoTime() - start) / 1e9,
            (a - lastAcked[0]) / (d.nanos() / 1e9), d.totalCalls() / (d.nanos() / 1e9),
            d.meanInFlight());
        lastAcked[0] = a;
        lastCalls[0] = now;
      }, interval, interval, TimeUnit.SECONDS);
    }
    long sent = 0;
    int next = 0;
    while (sent < maxSpans && System.nanoTime() < deadline) {
      inFlight.acquire();
      List<SpanData> batch = ids.batch(seq.getAndIncrement());
      sent += batch.size();
      CompletableResultCode result =
          path.exporters.get(next++ % path.exporters.size()).export(batch);
      result.whenComplete(() -> {
        (result.isSuccess() ? acked : failed).addAndGet(batch.size());
        inFlight.release();
      });
    }
    inFlight.acquire(o.concurrency());
    inFlight.release(o.concurrency());
    reporter.shutdownNow();
    return new Sent(acked.get(), failed.get(), (System.nanoTime() - start) / 1e9);
  }

  // ---------------------------------------------------------------------------------------- ratio

  private static void ratio(Options o) throws Exception {
    Path dir = null;
    AmazonDynamoDBLocal dynamo;
    if (o.store().equals("memory")) {
      dynamo = DynamoDBEmbedded.create(true);
    } else if (o.store().equals("disk")) {
      dir = Files.createTempDirectory("ingestbench");
      dynamo = DynamoDBEmbedded.create(new File(dir.toFile(), "tracebridge.db"), true);
    } else {
      throw new IllegalArgumentException("--store memory|disk, was " + o.store());
    }
    System.out.printf("store: DynamoDB Local %s, embedded (one JVM with receiver and sender)%n",
        dir == null ? "in memory" : "on disk (" + dir + ")");
    CountingDynamoDb counter = CountingDynamoDb.over(dynamo.dynamoDbClient());
    DynamoDbClient client = counter.client();
    int spansPerRun = AgentRunTemplates.spansPerRun(o.calls());
    FreshIdBatches ids = batches(o, Math.max(1, o.batch() / spansPerRun));
    AtomicLong seq = new AtomicLong();

    List<Map<String, AttributeValue>> captured = Collections.synchronizedList(new ArrayList<>());
    List<Integer> threadCounts = o.threadCounts();
    double[][] bwRates = new double[threadCounts.size()][2];
    double[] putRates = new double[threadCounts.size()];
    Sent ingestRun;
    CountingDynamoDb.Snapshot ingestCalls;
    long records;
    try (Path2Store path = new Path2Store(client, "ingest", o)) {
      // Warm-up: JIT for both paths, and the items the store really writes.
      counter.captureRecordItems(captured::add);
      Sent warm = send(path, ids, seq, o.warmupSpans(), 600, o, "warm-up", 0, counter);
      counter.captureRecordItems(null);
      dedupe(captured); // a record written twice (blind, then merged) is one item to replay
      long bytes = 0;
      synchronized (captured) {
        for (Map<String, AttributeValue> item : captured) {
          bytes += CountingDynamoDb.itemSize(item);
        }
      }
      System.out.printf("warm-up: %d spans ingested (%.0f spans/s), %d record items captured, "
          + "mean %.0f bytes per item%n", warm.acked(), warm.rate(), captured.size(),
          bytes / (double) captured.size());
      long items = o.spans() * LoadGenerator.RECORDS_PER_SPAN;
      batchWrite(client, "baseline-warmup", captured, Math.min(items, 10_000), 4, 7);

      for (int t = 0; t < threadCounts.size(); t++) {
        bwRates[t][0] = batchWrite(client, "baseline-a" + t, captured, items, threadCounts.get(t), 1);
        System.out.printf("(A) BatchWriteItem x25, %d threads: %.0f items/s%n",
            threadCounts.get(t), bwRates[t][0]);
      }

      long recordsBefore = path.recordsStored.get();
      CountingDynamoDb.Snapshot before = counter.snapshot();
      counter.resetMaxInFlight();
      ingestRun = send(path, ids, seq, o.spans(), 3600, o, "ingest", 5, counter);
      ingestCalls = counter.snapshot().minus(before);
      records = path.recordsStored.get() - recordsBefore;
    }
    System.out.printf("(B) ingest: %d spans acknowledged (%d failed) in %.1f s: %.0f spans/s, "
            + "%.0f records/s, %.0f items written/s, %.0f calls/s, calls in flight mean %.1f / "
            + "most %d%n",
        ingestRun.acked(), ingestRun.failed(), ingestRun.seconds(), ingestRun.rate(),
        records / ingestRun.seconds(), ingestCalls.totalItemsWritten() / ingestRun.seconds(),
        ingestCalls.totalCalls() / ingestRun.seconds(), ingestCalls.meanInFlight(),
        ingestCalls.maxInFlight());
    System.out.print("    per 1,000 records stored:\n" + ingestCalls.table(records / 1000.0, ""));
    double bw = 0;
    double putRate = 0;
    int bestThreads = 0;
    for (int t = 0; t < threadCounts.size(); t++) {
      bwRates[t][1] = batchWrite(client, "baseline-c" + t, captured, records, threadCounts.get(t), 3);
      System.out.printf("(C) BatchWriteItem x25, %d threads: %.0f items/s%n", threadCounts.get(t),
          bwRates[t][1]);
      putRates[t] = conditionalPut(client, "baseline-put" + t, captured, records,
          threadCounts.get(t));
      System.out.printf("(D) conditional PutItem, %d threads: %.0f items/s%n",
          threadCounts.get(t), putRates[t]);
      double mean = (bwRates[t][0] + bwRates[t][1]) / 2;
      if (mean > bw) {
        bw = mean;
        bestThreads = t;
      }
      putRate = Math.max(putRate, putRates[t]);
    }
    double recordRate = records / ingestRun.seconds();
    System.out.printf("RESULT store=%s: ingest %.0f spans/s = %.0f records/s (%.0f items/s); "
            + "BatchWriteItem %.0f items/s (best of threads %s: %d threads, A %.0f, C %.0f); "
            + "conditional PutItem %.0f items/s; ratio records/s : BatchWriteItem items/s = %.2f "
            + "(goal >= 0.8); : PutItem = %.2f%n",
        o.store(), ingestRun.rate(), recordRate,
        ingestCalls.totalItemsWritten() / ingestRun.seconds(), bw, threadCounts,
        threadCounts.get(bestThreads), bwRates[bestThreads][0], bwRates[bestThreads][1],
        putRate, recordRate / bw, recordRate / putRate);
    dynamo.shutdown();
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
      }
    }
  }

  /** Keeps the last item of each key, in order of first appearance. */
  private static void dedupe(List<Map<String, AttributeValue>> items) {
    synchronized (items) {
      Map<String, Map<String, AttributeValue>> byKey = new java.util.LinkedHashMap<>();
      for (Map<String, AttributeValue> item : items) {
        byKey.put(item.get("pk").s() + "\u0000" + item.get("sk").s(), item);
      }
      items.clear();
      items.addAll(byKey.values());
    }
  }

  /** A fresh table made by the store (its key schema and indexes); its store is shut down. */
  private static void freshTable(DynamoDbClient client, String table) throws Exception {
    DynamoDbTraceStore.create(client, DynamoDbStoreConfig.builder().tableName(table)
        .repairUsage(false).build()).shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * {@code count} items in turn from {@code items}, re-keyed for {@code round} so that each is
   * new, same lengths: the trace id in the partition key gets another low half.
   */
  private static Map<String, AttributeValue> rekeyed(List<Map<String, AttributeValue>> items,
      long index, int round) {
    Map<String, AttributeValue> item = new HashMap<>(items.get((int) (index % items.size())));
    long pass = index / items.size();
    String pk = item.get("pk").s();
    String low = pk.substring(pk.length() - 16);
    long changed = FreshIdBatches.mix(Long.parseUnsignedLong(low, 16)
        + (pass + 1) * 0x9E3779B97F4A7C15L + round * 0xC2B2AE3D27D4EB4FL);
    item.put("pk", AttributeValue.fromS(pk.substring(0, pk.length() - 16) + HEX.toHexDigits(changed)));
    return item;
  }

  /** Items/s of plain BatchWriteItem (25 per call, unprocessed items sent again). */
  private static double batchWrite(DynamoDbClient client, String table,
      List<Map<String, AttributeValue>> items, long count, int threads, int round)
      throws Exception {
    freshTable(client, table);
    AtomicLong next = new AtomicLong();
    return timed(threads, () -> {
      while (true) {
        long from = next.getAndAdd(BATCH_WRITE);
        if (from >= count) {
          return;
        }
        List<WriteRequest> writes = new ArrayList<>();
        for (long i = from; i < Math.min(count, from + BATCH_WRITE); i++) {
          writes.add(WriteRequest.builder().putRequest(
              PutRequest.builder().item(rekeyed(items, i, round)).build()).build());
        }
        Map<String, List<WriteRequest>> pending = Map.of(table, writes);
        while (!pending.isEmpty()) {
          Map<String, List<WriteRequest>> request = pending;
          BatchWriteItemResponse r = client.batchWriteItem(b -> b.requestItems(request));
          pending = r.unprocessedItems();
        }
      }
    }, count);
  }

  /** Items/s of conditional PutItem ({@code attribute_not_exists(pk)}), as the store puts a new record. */
  private static double conditionalPut(DynamoDbClient client, String table,
      List<Map<String, AttributeValue>> items, long count, int threads) throws Exception {
    freshTable(client, table);
    AtomicLong next = new AtomicLong();
    return timed(threads, () -> {
      for (long i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        Map<String, AttributeValue> item = rekeyed(items, i, 5);
        client.putItem(b -> b.tableName(table).item(item)
            .conditionExpression("attribute_not_exists(#pk)")
            .expressionAttributeNames(Map.of("#pk", "pk")));
      }
    }, count);
  }

  private static double timed(int threads, Runnable work, long count) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(work));
    }
    for (var f : futures) {
      f.get();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    pool.shutdown();
    return count / seconds;
  }

  // --------------------------------------------------------------------------------------- slowed

  private static void slowed(Options o) throws Exception {
    int threads = o.storeThreads() > 0 ? o.storeThreads() : DynamoDbStoreConfig.NODE_WRITE_THREADS;
    boolean sink = o.store().equals("sink");
    try (SlowedDynamoDb dynamo =
        SlowedDynamoDb.start(Duration.ofMillis(o.delayMillis()), threads, sink)) {
      CountingDynamoDb counter = CountingDynamoDb.over(dynamo.client());
      System.out.printf(sink
          ? "store: the fault-injecting proxy answering every data call itself (a table without a"
              + " capacity limit, fresh traces only), +%d ms per data call%n"
          : "store: DynamoDB Local server behind the fault-injecting proxy, +%d ms per data call%n",
          o.delayMillis());
      int spansPerRun = AgentRunTemplates.spansPerRun(o.calls());
      FreshIdBatches ids = batches(o, Math.max(1, o.batch() / spansPerRun));
      AtomicLong seq = new AtomicLong();
      Options node = o.storeThreads() > 0 ? o : new Options(o.mode(), o.store(), o.connections(),
          o.concurrency(), o.batch(), o.calls(), o.kb(), o.threadCounts(), o.spans(),
          o.warmupSpans(), o.delayMillis(), o.seconds(), o.warmupSeconds(), o.intervalSeconds(),
          o.runs(), threads);
      try (Path2Store path = new Path2Store(counter.client(), "slowed", node)) {
        send(path, ids, seq, Long.MAX_VALUE, o.warmupSeconds(), o, "warm-up", o.intervalSeconds(),
            counter);
        long recordsBefore = path.recordsStored.get();
        CountingDynamoDb.Snapshot before = counter.snapshot();
        counter.resetMaxInFlight();
        // The proxy (and DynamoDB Local's Jetty and SQLite threads) run in this JVM: their CPU is
        // the harness's, not the node's; the senders' too.
        CpuMeter cpu = new CpuMeter(name -> name.startsWith("ingestbench")
            || name.startsWith("dynamodb-fault-proxy") || name.startsWith("HTTP-Dispatcher")
            || name.startsWith("qtp") || name.startsWith("SQLiteQueue")
            || name.startsWith("HttpClient") || name.startsWith("OkHttp"));
        CpuMeter.Sample cpu0 = cpu.sample();
        Sent run = send(path, ids, seq, Long.MAX_VALUE, o.seconds(), o, "measure",
            o.intervalSeconds(), counter);
        CpuMeter.Sample cpu1 = cpu.sample();
        CpuMeter.Split spent = cpu.between(cpu0, cpu1);
        CountingDynamoDb.Snapshot d = counter.snapshot().minus(before);
        long records = path.recordsStored.get() - recordsBefore;
        System.out.printf("RESULT slowed +%d ms: %.0f spans/s (%d acknowledged, %d failed, in "
                + "%.1f s), %.0f records/s, %.0f calls/s, calls in flight mean %.1f / most %d "
                + "(goal >= 5000 spans/s)%n", o.delayMillis(), run.rate(), run.acked(),
            run.failed(), run.seconds(), records / run.seconds(), d.totalCalls() / run.seconds(),
            d.meanInFlight(), d.maxInFlight());
        System.out.print("    per 1,000 records stored:\n" + d.table(records / 1000.0, ""));
        System.out.printf("    CPU: process %.2f cores, %.3f CPU-s per 1,000 spans; of it the "
                + "harness's Java threads (senders, proxy, DynamoDB Local) %.3f, the node's rest "
                + "(receiver, store, SDK, GC, JIT) %.3f; load average %.1f%n",
            spent.processNanos() / (double) spent.wallNanos(),
            CpuMeter.Split.per1000(spent.processNanos(), run.acked()),
            CpuMeter.Split.per1000(spent.senderNanos(), run.acked()),
            CpuMeter.Split.per1000(spent.receiverNanos(), run.acked()),
            java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                .getSystemLoadAverage());
        cpu.byThreadGroup(cpu0, cpu1).entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(8)
            .forEach(e -> System.out.printf("      %-40s %6.2f CPU-s%n", e.getKey(), e.getValue() / 1e9));
        if (sink) {
          return; // no table behind the proxy to take a baseline of
        }
        // The slowed endpoint's own rate for these items: BatchWriteItem x25 with as many
        // threads as the store has calls in flight (the ceiling of any write path through it).
        List<Map<String, AttributeValue>> sample =
            Collections.synchronizedList(new ArrayList<>());
        counter.captureRecordItems(sample::add);
        send(path, ids, seq, 4L * ids.spansPerBatch(), 600, o, "", 0, counter);
        counter.captureRecordItems(null);
        dedupe(sample);
        int writers = Math.max(4, d.maxInFlight());
        long items = Math.max(2000, Math.min(20_000, records));
        double bw = batchWrite(dynamo.client(), "slowed-baseline", sample, items, writers, 1);
        System.out.printf("RESULT slowed +%d ms: BatchWriteItem x25 of the same items through the "
                + "proxy, %d threads: %.0f items/s (%.0f calls/s); ingest records/s : that = "
                + "%.2f%n", o.delayMillis(), writers, bw,
            bw / BATCH_WRITE,
            (records / run.seconds()) / bw);
      }
    }
  }

  // ---------------------------------------------------------------------------------------- calls

  private static void calls(Options o) throws Exception {
    AmazonDynamoDBLocal dynamo = DynamoDBEmbedded.create(true);
    CountingDynamoDb counter = CountingDynamoDb.over(dynamo.dynamoDbClient());
    FreshIdBatches ids = batches(o, 1);
    Options one = new Options(o.mode(), o.store(), 1, 1, ids.spansPerBatch(), o.calls(), o.kb(),
        List.of(1), 0, 0, 0, 0, 0, 0, o.runs(), o.storeThreads());
    try (Path2Store path = new Path2Store(counter.client(), "calls", one)) {
      // Uncounted: a few runs so that connections and caches are as in steady traffic.
      AtomicLong warm = new AtomicLong(1_000_000);
      send(path, ids, warm, 4L * ids.spansPerBatch(), 600, one, "", 0, counter);
      long records0 = path.recordsStored.get();
      CountingDynamoDb.Snapshot s0 = counter.snapshot();
      AtomicLong seq = new AtomicLong();
      Sent fresh = send(path, ids, seq, (long) o.runs() * ids.spansPerBatch(), 3600, one, "", 0,
          counter);
      CountingDynamoDb.Snapshot s1 = counter.snapshot();
      long records1 = path.recordsStored.get();
      seq.set(0);
      Sent again = send(path, ids, seq, (long) o.runs() * ids.spansPerBatch(), 3600, one, "", 0,
          counter);
      CountingDynamoDb.Snapshot s2 = counter.snapshot();
      long records2 = path.recordsStored.get();
      System.out.printf("%d fresh runs of %d spans (%d records each), one export each: %d spans "
              + "acknowledged, %d failed, %d records stored%n", o.runs(), ids.spansPerBatch(),
          ids.spansPerBatch() * LoadGenerator.RECORDS_PER_SPAN, fresh.acked(), fresh.failed(),
          records1 - records0);
      System.out.print("  per fresh run:\n" + s1.minus(s0).table(o.runs(), ""));
      System.out.printf("the same %d runs exported again: %d spans acknowledged, %d failed, %d "
          + "records stored%n", o.runs(), again.acked(), again.failed(), records2 - records1);
      System.out.print("  per re-export:\n" + s2.minus(s1).table(o.runs(), ""));
      System.out.println("(est. WCU: 1 per started KB per item written, 2 in a transaction, 1 per"
          + " UpdateItem/DeleteItem whatever its size; reported units: what DynamoDB Local"
          + " returns as ConsumedCapacity, reads included)");
    }
    dynamo.shutdown();
  }
}
