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
import io.tracebridge.store.TraceStore;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.annotation.Nullable;

/**
 * Drives the real OpenTelemetry SDK OTLP/gRPC exporter against an in-process receiver over
 * loopback (mapper, {@link TraceContextFiller}, store) and reports acknowledged spans and traces
 * per second.
 *
 * <p><b>What is sent.</b> Agent runs as a BatchSpanProcessor exports them, in the hook-event
 * convention ({@link AgentRunTemplates}): per trace a root {@code invoke_agent tracebridge-agent}
 * span (session, agent name, accumulated usage; events {@code agent_prompt}, {@code
 * agent_response}), under it {@code --calls K} {@code chat} spans (usage; events {@code
 * model_request} with a ~{@code --kb} KB prompt, {@code model_response}) and after each chat but
 * the last an {@code execute_tool calculate} span (events {@code tool_request}, {@code
 * tool_response}): 2K spans per trace, in end order (children first, the root last), each mapping
 * to two records. An export holds as many whole traces as fit in {@code --batch} spans (at least
 * one).
 *
 * <p><b>Fresh ingest (default).</b> Every export carries trace and span ids never sent before
 * ({@link FreshIdBatches}), so every record is new to the store and every trace costs the filler
 * its read-back: this is the path of real traffic. Span content is built once by the SDK (64
 * distinct runs) and only re-identified per export, so the sender's cost stays what exporting
 * costs. Warm-up: 32 exports or 5 s, whichever comes first, one at a time, not counted (their
 * records stay in the store). <b>{@code --repeat}</b> instead sends the same 16 batches round
 * after round (after two uncounted rounds), so everything measured is an identical re-export,
 * which the store skips: the duplicate path, measured apart.
 *
 * <p>Arguments (all optional): {@code --store memory|dynamodb} (DynamoDB Local embedded, in
 * memory), {@code --spans N} (stop after N spans sent, default 200000), {@code --seconds S} (stop
 * after S seconds, default 30), {@code --batch B} (spans per export, default 256), {@code --calls
 * K} (model calls per trace, default 4), {@code --concurrency C} (exports in flight, default 4),
 * {@code --kb K} (prompt KB per chat span, default 2), {@code --repeat} (flag, no value), {@code
 * --warmup S} (seconds of full-rate load after the first exports, not counted, default 10: JIT),
 * {@code --interval S} (the rate and CPU per span of every S seconds are printed, warm-up
 * included, so that convergence shows; default 2), {@code --connections N} (exporters, each its
 * own HTTP/2 connection, used in turn; default 1), {@code --threads} (flag: CPU per thread). Both
 * stores keep every record in memory, so fresh ingest grows the heap with the spans sent: {@code
 * --spans} bounds it.
 *
 * <p><b>CPU.</b> Process CPU time ({@code OperatingSystemMXBean}) over the measured seconds per
 * 1,000 acknowledged spans, split by {@link CpuMeter}: the sender's Java threads (main, the
 * exporters' pool and OkHttp threads) and the rest, i.e. TraceBridge (receiver, mapper, filler,
 * store) with the JVM's GC and JIT threads. Sender and receiver share the JVM and the 2 cores.
 *
 * <p>The exporter is called directly, not through a BatchSpanProcessor (which drops silently when
 * its queue is full): every span counted was acknowledged by the receiver, so it is durable.
 * Failed exports are counted separately. After the run one sent trace is read back from the store
 * ({@code findByTrace}) and its record count compared with the expected two per span; the
 * generator exits 1 if they differ.
 */
public final class LoadGenerator {
  /** Each span carries two hook events, each of which the mapper turns into one record. */
  static final int RECORDS_PER_SPAN = 2;
  private static final int TEMPLATE_RUNS = 64;
  private static final int REPEAT_BATCHES = 16;
  private static final int FRESH_WARMUP_EXPORTS = 32;
  private static final long FRESH_WARMUP_NANOS = TimeUnit.SECONDS.toNanos(5);

  private LoadGenerator() {}

  /** Command-line options; see the class comment. */
  record Options(String store, long maxSpans, long seconds, int batch, int calls, int concurrency,
      int kb, boolean repeat, long warmupSeconds, long intervalSeconds, int connections,
      boolean threads) {

    static Options parse(String[] args) {
      String store = "memory";
      long maxSpans = 200_000;
      long seconds = 30;
      int batch = 256;
      int calls = 4;
      int concurrency = 4;
      int kb = 2;
      boolean repeat = false;
      long warmup = 10;
      long interval = 2;
      int connections = 1;
      boolean threads = false;
      for (int i = 0; i < args.length; i++) {
        String option = args[i];
        if (option.equals("--repeat")) { // flags: every other option takes a value
          repeat = true;
          continue;
        }
        if (option.equals("--threads")) {
          threads = true;
          continue;
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(option + " needs a value");
        }
        String value = args[++i];
        switch (option) {
          case "--store" -> store = value;
          case "--spans" -> maxSpans = Long.parseLong(value);
          case "--seconds" -> seconds = Long.parseLong(value);
          case "--batch" -> batch = Integer.parseInt(value);
          case "--calls" -> calls = Integer.parseInt(value);
          case "--concurrency" -> concurrency = Integer.parseInt(value);
          case "--kb" -> kb = Integer.parseInt(value);
          case "--warmup" -> warmup = Long.parseLong(value);
          case "--interval" -> interval = Long.parseLong(value);
          case "--connections" -> connections = Integer.parseInt(value);
          default -> throw new IllegalArgumentException("unknown option " + option);
        }
      }
      if (batch < 1 || calls < 1 || concurrency < 1 || kb < 0 || warmup < 0 || interval < 1
          || connections < 1) {
        throw new IllegalArgumentException("--batch, --calls, --concurrency, --interval and "
            + "--connections must be at least 1, --kb and --warmup at least 0");
      }
      return new Options(store, maxSpans, seconds, batch, calls, concurrency, kb, repeat, warmup,
          interval, connections, threads);
    }
  }

  /** One export's spans, how many traces they are, and the id of one of them. */
  record Batch(List<SpanData> spans, int traces, String sampleTraceId) {}

  /** What the measured exports came to. */
  record Totals(long sentSpans, long sentTraces, long ackedSpans, long ackedTraces,
      long failedSpans, double seconds, @Nullable String sampleTraceId) {}

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);

    AmazonDynamoDBLocal dynamo = null;
    TraceStore store;
    if (options.store().equals("dynamodb")) {
      dynamo = DynamoDBEmbedded.create(true);
      store = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), DynamoDbStoreConfig.builder()
          .tableName("bench-records").build());
    } else if (options.store().equals("memory")) {
      store = new InMemoryTraceStore();
    } else {
      throw new IllegalArgumentException(
          "--store must be memory or dynamodb, was " + options.store());
    }
    // Record versions the store really wrote: an identical re-export writes none.
    AtomicLong written = new AtomicLong();
    store.addListener(records -> written.addAndGet(records.size()));

    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0)
        .maxExportsInFlight(
            Math.max(ReceiverConfig.DEFAULT_MAX_EXPORTS_IN_FLIGHT, options.concurrency()))
        // The senders' --concurrency is the only bound (closed loop): the adaptive export bound
        // would refuse the 256-span exports of a slow store (OverloadBench measures it).
        .storeLatencyTarget(Duration.ofHours(1))
        .build();
    SpanMapper mapper = new SpanMapper();
    TraceContextFiller filler = new TraceContextFiller(store);
    OtlpIngest ingest = new OtlpIngest(new TraceExportHandler(mapper, filler),
        new LogsExportHandler(mapper, filler),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
    OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start(config, ingest);

    int spansPerTrace = AgentRunTemplates.spansPerRun(options.calls());
    FreshIdBatches ids = new FreshIdBatches(
        AgentRunTemplates.build(TEMPLATE_RUNS, options.calls(), options.kb()),
        Math.max(1, options.batch() / spansPerTrace), new SecureRandom().nextLong());

    // The sender's default pool (5 threads, no queue) rejects an export issued from the callback
    // of one still finishing: give it a pool with room for every export this generator has open.
    ExecutorService senderPool = Executors.newFixedThreadPool(options.concurrency() + 2, r -> {
      Thread t = new Thread(r, "loadgen-otlp-sender");
      t.setDaemon(true);
      return t;
    });
    // One exporter per connection (each its own HTTP/2 connection), used in turn.
    List<OtlpGrpcSpanExporter> exporters = new ArrayList<>();
    for (int c = 0; c < options.connections(); c++) {
      exporters.add(OtlpGrpcSpanExporter.builder()
          .setEndpoint("http://127.0.0.1:" + receiver.port())
          .setTimeout(Duration.ofSeconds(30))
          .setExecutorService(senderPool)
          .build());
    }
    OtlpGrpcSpanExporter exporter = exporters.get(0);

    List<SpanData> first = ids.batch(0);
    System.out.printf("OTLP size: %.0f bytes per span (%d spans per export)%n",
        otlpBytes(first) / (double) first.size(), first.size());
    BatchSource source = options.repeat() ? repeating(ids) : fresh(ids);
    source.warmUp(exporter);
    CpuMeter cpu = new CpuMeter(LoadGenerator::isSenderThread);
    System.out.printf("interval rates (%d s each; warm-up %d s, not counted, then %d s measured):"
        + "%n  %-8s %6s %12s %14s %14s %12s%n", options.intervalSeconds(),
        options.warmupSeconds(), options.seconds(), "phase", "t s", "spans/s",
        "CPU-s/1k spans", "of it sender", "cores used");
    long warmupStart = System.nanoTime();
    if (options.warmupSeconds() > 0) {
      measure(exporters, source, options, options.warmupSeconds(), Long.MAX_VALUE, "warm-up",
          cpu, warmupStart);
    }
    long writtenBefore = written.get();
    long passesBefore = filler.passes();
    CpuMeter.Sample cpuBefore = cpu.sample();
    Totals totals = measure(exporters, source, options, options.seconds(), options.maxSpans(),
        "measure", cpu, warmupStart);
    CpuMeter.Sample cpuAfter = cpu.sample();
    long writtenDuring = written.get() - writtenBefore;
    long passesDuring = filler.passes() - passesBefore;

    report(options, ids, totals, writtenDuring, ingest.turnedAway(), passesDuring);
    CpuMeter.Split split = cpu.between(cpuBefore, cpuAfter);
    System.out.printf("steady state CPU (process time over the %.1f s measured, %d cores): %.2f "
            + "cores; per 1,000 acknowledged spans: process %.4f CPU-s = sender threads %.4f + "
            + "TraceBridge (receiver, mapper, store, GC, JIT) %.4f%n",
        split.wallNanos() / 1e9, Runtime.getRuntime().availableProcessors(), split.cores(),
        CpuMeter.Split.per1000(split.processNanos(), totals.ackedSpans()),
        CpuMeter.Split.per1000(split.senderNanos(), totals.ackedSpans()),
        CpuMeter.Split.per1000(split.receiverNanos(), totals.ackedSpans()));
    if (options.threads()) {
      System.out.println("CPU by thread (digits folded), measured phase, ms:");
      cpu.byThreadGroup(cpuBefore, cpuAfter).entrySet().stream()
          .sorted((x, y) -> Long.compare(y.getValue(), x.getValue()))
          .forEach(e -> System.out.printf("  %-50s %8d %s%n", e.getKey(), e.getValue() / 1_000_000,
              isSenderThread(e.getKey()) ? "(sender)" : ""));
      System.out.printf("  %-50s %8d%n", "(not Java threads: GC, JIT, ended threads)",
          (split.processNanos() - split.javaThreadNanos()) / 1_000_000);
    }
    boolean stored = checkSample(store, totals.sampleTraceId(), spansPerTrace);

    for (OtlpGrpcSpanExporter e : exporters) {
      e.shutdown().join(10, TimeUnit.SECONDS);
    }
    senderPool.shutdown();
    receiver.close();
    store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    if (dynamo != null) {
      dynamo.shutdown();
    }
    // Exit explicitly: DynamoDB Local leaves a non-daemon thread (ShardRolloverJobScheduler)
    // sleeping after shutdown(), which kept the JVM alive for minutes after the run.
    System.exit(stored ? 0 : 1);
  }

  /** The OTLP protobuf size of an export of {@code spans}, as the exporter serialises it. */
  static int otlpBytes(List<SpanData> spans) {
    return io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler.create(spans)
        .getBinarySerializedSize();
  }

  /**
   * The sender's threads: the generator's own (main builds the batches), the exporter's pool and
   * its HTTP client's (OkHttp). Everything else in the process is the receiver's side.
   */
  static boolean isSenderThread(String name) {
    return name != null && (name.equals("main") || name.startsWith("loadgen")
        || name.startsWith("OkHttp") || name.contains("okhttp"));
  }

  /** Where batches come from: fresh ids each time, or the same few again. */
  private interface BatchSource {
    /** Sends the uncounted exports that precede the measurement, one at a time. */
    void warmUp(OtlpGrpcSpanExporter exporter);

    /** The next export to measure; called from one thread. */
    Batch next();
  }

  /** Every batch under never-sent ids, export sequence numbers counting up from 0. */
  private static BatchSource fresh(FreshIdBatches ids) {
    return new BatchSource() {
      private long exportSeq;

      @Override
      public void warmUp(OtlpGrpcSpanExporter exporter) {
        long until = System.nanoTime() + FRESH_WARMUP_NANOS;
        for (int i = 0; i < FRESH_WARMUP_EXPORTS && System.nanoTime() < until; i++) {
          exporter.export(next().spans()).join(30, TimeUnit.SECONDS);
        }
      }

      @Override
      public Batch next() {
        long seq = exportSeq++;
        return new Batch(ids.batch(seq), ids.tracesPerBatch(), ids.traceId(seq, 0));
      }
    };
  }

  /** {@value #REPEAT_BATCHES} batches built once and sent round after round. */
  private static BatchSource repeating(FreshIdBatches ids) {
    List<Batch> batches = new ArrayList<>(REPEAT_BATCHES);
    for (int seq = 0; seq < REPEAT_BATCHES; seq++) {
      batches.add(new Batch(ids.batch(seq), ids.tracesPerBatch(), ids.traceId(seq, 0)));
    }
    return new BatchSource() {
      private int next;

      @Override
      public void warmUp(OtlpGrpcSpanExporter exporter) {
        // Two full rounds: the first stores every record, so all that is measured is re-export.
        for (int i = 0; i < REPEAT_BATCHES * 2; i++) {
          exporter.export(next().spans()).join(30, TimeUnit.SECONDS);
        }
      }

      @Override
      public Batch next() {
        return batches.get(next++ % REPEAT_BATCHES);
      }
    };
  }

  /**
   * Sends batches, at most {@code --concurrency} in flight, round robin over the exporters, until
   * {@code maxSpans} are sent or {@code seconds} have passed, and waits for every answer. Prints
   * the acknowledged rate and the CPU per span of every {@code --interval}.
   */
  private static Totals measure(List<OtlpGrpcSpanExporter> exporters, BatchSource source,
      Options options, long seconds, long maxSpans, String phase, CpuMeter cpu, long origin)
      throws InterruptedException {
    AtomicLong ackedSpans = new AtomicLong();
    AtomicLong ackedTraces = new AtomicLong();
    AtomicLong failedSpans = new AtomicLong();
    AtomicReference<String> lastAckedSample = new AtomicReference<>();
    Semaphore inFlight = new Semaphore(options.concurrency());
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(seconds);
    long intervalNanos = TimeUnit.SECONDS.toNanos(options.intervalSeconds());
    long nextReport = start + intervalNanos;
    long reportedSpans = 0;
    CpuMeter.Sample lastCpu = cpu.sample();
    long sentSpans = 0;
    long sentTraces = 0;
    int next = 0;
    while (sentSpans < maxSpans && System.nanoTime() < deadline) {
      inFlight.acquire();
      Batch batch = source.next(); // re-identifying spans is part of the sender's cost
      sentSpans += batch.spans().size();
      sentTraces += batch.traces();
      CompletableResultCode result = exporters.get(next++ % exporters.size()).export(batch.spans());
      result.whenComplete(() -> {
        if (result.isSuccess()) {
          ackedSpans.addAndGet(batch.spans().size());
          ackedTraces.addAndGet(batch.traces());
          lastAckedSample.set(batch.sampleTraceId());
        } else {
          failedSpans.addAndGet(batch.spans().size());
        }
        inFlight.release();
      });
      if (System.nanoTime() >= nextReport) {
        CpuMeter.Sample now = cpu.sample();
        CpuMeter.Split split = cpu.between(lastCpu, now);
        long spans = ackedSpans.get() - reportedSpans;
        System.out.printf("  %-8s %6.0f %12.0f %14.4f %14.4f %12.2f%n", phase,
            (now.wallNanos() - origin) / 1e9, spans / (split.wallNanos() / 1e9),
            CpuMeter.Split.per1000(split.processNanos(), spans),
            CpuMeter.Split.per1000(split.senderNanos(), spans), split.cores());
        reportedSpans += spans;
        lastCpu = now;
        nextReport += intervalNanos;
      }
    }
    inFlight.acquire(options.concurrency()); // every export answered
    inFlight.release(options.concurrency());
    double elapsed = (System.nanoTime() - start) / 1e9;
    return new Totals(sentSpans, sentTraces, ackedSpans.get(), ackedTraces.get(),
        failedSpans.get(), elapsed, lastAckedSample.get());
  }

  private static void report(Options options, FreshIdBatches ids, Totals totals, long written,
      long turnedAway, long passes) {
    int calls = options.calls();
    System.out.printf("store=%s mode=%s export=%d spans (%d traces x %d spans: invoke_agent + %d "
            + "chat + %d execute_tool) concurrency=%d connections=%d kb=%d cores=%d%n",
        options.store(), options.repeat() ? "repeat" : "fresh", ids.spansPerBatch(),
        ids.tracesPerBatch(), ids.spansPerTrace(), calls, calls - 1, options.concurrency(),
        options.connections(), options.kb(), Runtime.getRuntime().availableProcessors());
    double s = totals.seconds();
    System.out.printf("sent %d spans (%d traces) in %.1f s: acknowledged %d spans (%.0f spans/s), "
            + "%d traces (%.1f traces/s), failed %d spans%n",
        totals.sentSpans(), totals.sentTraces(), s, totals.ackedSpans(), totals.ackedSpans() / s,
        totals.ackedTraces(), totals.ackedTraces() / s, totals.failedSpans());
    System.out.printf("records written %d (%.2f per acknowledged span, %d expected), turned away "
            + "by the receiver %d, trace assembly passes (one snapshot read each) %d%n",
        written, totals.ackedSpans() == 0 ? 0.0 : (double) written / totals.ackedSpans(),
        options.repeat() ? 0 : RECORDS_PER_SPAN, turnedAway, passes);
  }

  /** Reads one acknowledged trace back and says whether all its records are stored. */
  private static boolean checkSample(TraceStore store, @Nullable String traceId,
      int spansPerTrace) throws Exception {
    if (traceId == null) {
      System.out.println("!! no export was acknowledged: nothing to read back");
      return false;
    }
    int found = store.findByTrace(ReceiverConfig.DEFAULT_TENANT, traceId)
        .toCompletableFuture().get(30, TimeUnit.SECONDS).size();
    int expected = RECORDS_PER_SPAN * spansPerTrace;
    System.out.printf("sample trace %s: %d records (expected %d)%s%n", traceId, found, expected,
        found == expected ? "" : "  !! MISMATCH");
    return found == expected;
  }
}
