package io.tracebridge.bench;

import com.google.common.util.concurrent.FutureCallback;
import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.MoreExecutors;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.collector.trace.v1.TraceServiceGrpc;
import io.tracebridge.bench.AgentSpans.Convention;
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
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Overload: the receiver in front of a store slowed by trace-api's fault-injecting proxy
 * (DynamoDB Local as a server, every data call held {@code --delay}), offered 1x, 3x and 10x its
 * capacity over OTLP/gRPC.
 *
 * <p>First the capacity: closed loops of {@code --concurrency}, 4 x that and 64 senders for
 * {@code --seconds} each (a sender sends its next export when the last is answered, and backs off
 * 50 ms when refused); the best acknowledged rate is the peak. Then, per multiple, an open loop offers that many
 * times the peak rate for {@code --seconds}: each export is sent on schedule, whatever the
 * answers so far, with the OTel SDKs' default 10 s deadline, and is not retried. Reported per
 * run: goodput (acknowledged, i.e. stored, spans/s, and as a share of the peak), how many were
 * refused (RESOURCE_EXHAUSTED / UNAVAILABLE with retry advice) and how fast (p50 / p99 from send
 * to refusal), how many timed out at the client (DEADLINE_EXCEEDED: the failure mode this guards
 * against), and the most heap used during the run against {@code -Xmx}. Each export is one
 * fresh trace of {@code --calls} chat spans (hook-event convention) of ~{@code --kb} KB. {@code
 * --latency-target 3600s} keeps the export bound at its maximum (64) whatever the store does:
 * the fixed bound of before, for comparison.
 */
public final class OverloadBench {
  private static final Duration SDK_DEADLINE = Duration.ofSeconds(10);
  /** The most exports the open loop keeps outstanding (beyond, it counts them as not sent). */
  private static final int MAX_OUTSTANDING = 20_000;

  private OverloadBench() {}

  record Options(Duration delay, long seconds, int concurrency, int calls, int kb,
      Duration latencyTarget) {
    static Options parse(String[] args) {
      Duration delay = Duration.ofMillis(10);
      long seconds = 20;
      int concurrency = 4;
      int calls = 4;
      int kb = 1;
      Duration latencyTarget = ReceiverConfig.DEFAULT_STORE_LATENCY_TARGET;
      for (int i = 0; i + 1 < args.length; i += 2) {
        String value = args[i + 1];
        switch (args[i]) {
          case "--delay" -> delay = Duration.ofMillis(Long.parseLong(value.replace("ms", "")));
          case "--seconds" -> seconds = Long.parseLong(value);
          case "--concurrency" -> concurrency = Integer.parseInt(value);
          case "--calls" -> calls = Integer.parseInt(value);
          case "--kb" -> kb = Integer.parseInt(value);
          case "--latency-target" ->
              latencyTarget = Duration.ofSeconds(Long.parseLong(value.replace("s", "")));
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(delay, seconds, concurrency, calls, kb, latencyTarget);
    }
  }

  /** What one run came to. */
  static final class Run {
    final AtomicLong sent = new AtomicLong();
    final AtomicLong notSent = new AtomicLong();
    final AtomicLong ackedSpans = new AtomicLong();
    final AtomicLong acked = new AtomicLong();
    final AtomicLong timedOut = new AtomicLong();
    final AtomicLong otherErrors = new AtomicLong();
    final List<Long> refusalNanos = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong storeUnavailable = new AtomicLong();

    long percentileMillis(double p) {
      List<Long> sorted;
      synchronized (refusalNanos) {
        sorted = new ArrayList<>(refusalNanos);
      }
      if (sorted.isEmpty()) {
        return -1;
      }
      Collections.sort(sorted);
      int index = (int) Math.min(sorted.size() - 1, Math.ceil(p * sorted.size()) - 1);
      return TimeUnit.NANOSECONDS.toMillis(sorted.get(Math.max(0, index)));
    }
  }

  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long maxHeap = memory.getHeapMemoryUsage().getMax();
    AtomicLong peakHeap = new AtomicLong();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peakHeap.accumulateAndGet(
        memory.getHeapMemoryUsage().getUsed(), Math::max), 0, 50, TimeUnit.MILLISECONDS);

    SlowedDynamoDb dynamo = SlowedDynamoDb.start(options.delay());
    DynamoDbTraceStore store = DynamoDbTraceStore.create(dynamo.client(),
        DynamoDbStoreConfig.builder().tableName("bench-overload").build());
    ReceiverConfig config = ReceiverConfig.builder().grpcPort(0).httpPort(0)
        .storeLatencyTarget(options.latencyTarget()).build();
    TraceContextFiller filler = new TraceContextFiller(store);
    SpanMapper mapper = new SpanMapper();
    OtlpIngest ingest = new OtlpIngest(new TraceExportHandler(mapper, filler),
        new LogsExportHandler(mapper, filler),
        TenantAuthenticator.singleTenant(ReceiverConfig.DEFAULT_TENANT), config);
    OtlpGrpcReceiver receiver = OtlpGrpcReceiver.start(config, ingest);
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", receiver.port())
        .usePlaintext().maxInboundMessageSize(config.maxInboundMessageBytes()).build();
    TraceServiceGrpc.TraceServiceFutureStub stub = TraceServiceGrpc.newFutureStub(channel);
    AtomicLong seed = new AtomicLong();

    System.out.printf("store: DynamoDB Local behind the fault-injecting proxy, +%d ms per data "
        + "call; receiver: %s; -Xmx %d MB%n", options.delay().toMillis(), config,
        maxHeap >> 20);
    closedLoop(stub, options.concurrency(), options, seed, 15); // warm-up
    double peakExports = 0;
    double peakSpans = 0;
    for (int senders : new int[] {options.concurrency(), 4 * options.concurrency(), 64}) {
      peakHeap.set(0);
      Run capacity = closedLoop(stub, senders, options, seed, options.seconds());
      double exports = capacity.acked.get() / (double) options.seconds();
      double spans = capacity.ackedSpans.get() / (double) options.seconds();
      System.out.printf("closed loop, %d senders: %.1f exports/s, %.1f spans/s, "
          + "max heap used %d MB%n", senders, exports, spans, peakHeap.get() >> 20);
      if (spans > peakSpans) {
        peakSpans = spans;
        peakExports = exports;
      }
    }
    System.out.printf("capacity (the best closed loop): %.1f exports/s, %.1f spans/s%n",
        peakExports, peakSpans);
    System.out.println("| offered | exports/s offered | goodput spans/s | of peak | acknowledged "
        + "| refused (RESOURCE_EXHAUSTED) | refusal p50 / p99 ms | store UNAVAILABLE "
        + "| timed out (10 s) | other errors | max heap used |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    double best = peakSpans;
    double atThree = 0;
    for (int multiple : new int[] {1, 3, 10}) {
      peakHeap.set(0);
      double rate = peakExports * multiple;
      Run run = openLoop(stub, options, seed, rate);
      double goodput = run.ackedSpans.get() / (double) options.seconds();
      best = Math.max(best, goodput);
      if (multiple == 3) {
        atThree = goodput;
      }
      System.out.printf("| %dx | %.1f | %.1f | %.0f %% | %d | %d | %d / %d | %d | %d | %d "
              + "| %d MB of %d MB |%n",
          multiple, rate, goodput, 100 * goodput / peakSpans, run.acked.get(),
          run.refusalNanos.size(), run.percentileMillis(0.5), run.percentileMillis(0.99),
          run.storeUnavailable.get(), run.timedOut.get(), run.otherErrors.get() + run.notSent.get(), peakHeap.get() >> 20,
          maxHeap >> 20);
    }
    System.out.printf("best goodput of any run: %.1f spans/s; at 3x: %.0f %% of it%n",
        best, 100 * atThree / best);
    System.out.printf("turned away %d, abandoned %d, export bound at the end %d%n",
        ingest.turnedAway(), ingest.abandoned(), ingest.exportLimit());

    channel.shutdownNow();
    receiver.close();
    store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    dynamo.close();
    sampler.shutdownNow();
    System.exit(0); // DynamoDB Local leaves non-daemon threads
  }

  private static ExportTraceServiceRequest nextExport(Options options, AtomicLong seed) {
    return AgentSpans.request(Convention.HOOK_EVENTS, options.calls(), options.kb(),
        seed.incrementAndGet());
  }

  /** {@code senders} senders, each sending its next export when one is answered. */
  private static Run closedLoop(TraceServiceGrpc.TraceServiceFutureStub stub, int senders,
      Options options, AtomicLong seed, long seconds) throws InterruptedException {
    Run run = new Run();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < senders; i++) {
      Thread sender = new Thread(() -> {
        while (System.nanoTime() < end) {
          ExportTraceServiceRequest request = nextExport(options, seed);
          try {
            stub.withDeadlineAfter(SDK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .export(request).get();
            if (System.nanoTime() < end) {
              run.acked.incrementAndGet();
              run.ackedSpans.addAndGet(spans(request));
            }
          } catch (Exception refusedOrFailed) {
            try {
              Thread.sleep(50); // a refused closed-loop sender backs off a little
            } catch (InterruptedException e) {
              return;
            }
          }
        }
      });
      sender.start();
      threads.add(sender);
    }
    for (Thread sender : threads) {
      sender.join();
    }
    return run;
  }

  /** Exports sent at {@code rate} per second for the run, then every answer awaited. */
  private static Run openLoop(TraceServiceGrpc.TraceServiceFutureStub stub, Options options,
      AtomicLong seed, double rate) throws InterruptedException {
    Run run = new Run();
    Semaphore outstanding = new Semaphore(MAX_OUTSTANDING);
    long start = System.nanoTime();
    long total = (long) (rate * options.seconds());
    long interval = (long) (TimeUnit.SECONDS.toNanos(1) / rate);
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      if (!outstanding.tryAcquire()) {
        run.notSent.incrementAndGet();
        continue;
      }
      ExportTraceServiceRequest request = nextExport(options, seed);
      long sentAt = System.nanoTime();
      run.sent.incrementAndGet();
      Futures.addCallback(
          stub.withDeadlineAfter(SDK_DEADLINE.toMillis(), TimeUnit.MILLISECONDS).export(request),
          new FutureCallback<ExportTraceServiceResponse>() {
            @Override
            public void onSuccess(ExportTraceServiceResponse response) {
              run.acked.incrementAndGet();
              run.ackedSpans.addAndGet(spans(request));
              outstanding.release();
            }

            @Override
            public void onFailure(Throwable failure) {
              Status.Code code = Status.fromThrowable(failure).getCode();
              if (code == Status.Code.RESOURCE_EXHAUSTED) {
                run.refusalNanos.add(System.nanoTime() - sentAt);
              } else if (code == Status.Code.UNAVAILABLE) {
                run.storeUnavailable.incrementAndGet();
              } else if (code == Status.Code.DEADLINE_EXCEEDED) {
                run.timedOut.incrementAndGet();
              } else {
                run.otherErrors.incrementAndGet();
              }
              outstanding.release();
            }
          }, MoreExecutors.directExecutor());
    }
    if (!outstanding.tryAcquire(MAX_OUTSTANDING, SDK_DEADLINE.toSeconds() + 5, TimeUnit.SECONDS)) {
      System.out.println("warning: some exports still unanswered after the deadline");
    } else {
      outstanding.release(MAX_OUTSTANDING);
    }
    return run;
  }

  private static int spans(ExportTraceServiceRequest request) {
    return request.getResourceSpans(0).getScopeSpans(0).getSpansCount();
  }
}
