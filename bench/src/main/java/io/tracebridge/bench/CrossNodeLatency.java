package io.tracebridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.dist.AgentRuns;
import io.tracebridge.dist.FailoverExporter;
import io.tracebridge.dist.LiveClient;
import io.tracebridge.dist.RoleProcess;
import io.tracebridge.dist.Topology;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Span end to websocket arrival, across nodes and on one node, in one run, on the built
 * distribution (dist/target/tracebridge-VERSION): the figure of issue 10.
 *
 * <p><b>Cross-node.</b> The production topology of {@code dist}'s {@code ProductionTopologyIT},
 * every part its own JVM: a standalone DynamoDB Local server, two {@code receiver} and two {@code
 * web} processes on one table and one cluster. A websocket client on each web node subscribes to
 * the run's agent. Every record reaches a web node from a receiver in another process, over the
 * clustered event bus: both web nodes are "the other node" of every receiver.
 *
 * <p><b>One node.</b> Then {@code tracebridge up --in-memory}: receiver, store (embedded DynamoDB
 * Local) and web node in one JVM, the event bus local, with one subscriber: the same load.
 *
 * <p><b>Load.</b> Agent runs ({@link AgentRuns}: a root, {@code --calls} chat spans and a tool span
 * between each two, two records per span) built by the OpenTelemetry SDK at the moment they are
 * sent, so their spans end then, and exported with the SDK's OTLP/gRPC exporter, one run per
 * export, alternating between the receivers, at {@code --rate} spans/s (open loop: a run is due
 * every {@code spans per run / rate} seconds; at most {@code --in-flight} exports outstanding, so a
 * store that cannot keep up shows as a lower achieved rate, reported, not as a client-side queue;
 * runs are due by the clock, and one built late, behind a full window or a late thread, is
 * sent at once; its lateness against its due time is added to its spans' latencies in the
 * "from the schedule" rows, so that coordinated omission is not hidden). {@code --topology
 * one-node} runs only the second, {@code cross-node} only the first (default both).
 *
 * <p><b>Measured.</b> For each span, its response record ({@code model_response}, {@code
 * tool_response}, {@code response}: the record whose timestamp is the span's end): wall clock at
 * its first arrival on a websocket minus that timestamp (one machine, one clock). Also, per export,
 * the root span's end to the receiver's acknowledgement (stored durably), and per record the
 * arrival minus the ingest stamp in its {@code seq} (taken by the receiver just before the write
 * that makes the version durable): the write, the publication and the push, without the
 * receiver's queueing, mapping and context fill-in before it. Samples are of spans
 * that ended after the warm-up; after the measured seconds the run waits for stragglers.
 *
 * <p>Arguments (all optional): {@code --dist DIR} (default {@code
 * dist/target/tracebridge-0.1.0-SNAPSHOT}), {@code --rate SPANS_PER_S[,SPANS_PER_S...]} (1000;
 * several rates are measured one after the other on the same nodes, each with its own warm-up,
 * e.g. {@code 1000,150}: the rate asked and one the node sustains), {@code --seconds S}
 * (30), {@code --warmup S} (10), {@code --calls K} (4), {@code --prompt-chars N} (400), {@code
 * --in-flight N} (32), {@code --heartbeat D} (the web nodes' websocket heartbeat and catch-up
 * interval, e.g. {@code 1h}; default the product's), {@code --logs DIR}
 * (target/cross-node-latency). Prints one table.
 */
public final class CrossNodeLatency {
  /** Record types whose timestamp is their span's end: one per span. */
  private static final Set<String> SPAN_END_TYPES = Set.of("model_response", "tool_response", "response");
  private static final Duration READY = Duration.ofMinutes(3);
  /** How long to wait, after the last run was sent, for its records to arrive. */
  private static final Duration DRAIN = Duration.ofSeconds(30);
  /** How far behind its schedule the generator may fall before it stops sending (and counts). */
  private static final Duration BEHIND = Duration.ofSeconds(30);
  private static final String JAVA_OPTS = "-Xmx512m";

  private CrossNodeLatency() {}

  /** The options, parsed from {@code --name value} pairs. */
  private record Options(Path dist, double[] rates, int seconds, int warmup, int calls, int promptChars,
      int inFlight, Path logs, Map<String, String> webEnv, String topology) {
    static Options parse(String[] args) {
      Path dist = Path.of("dist/target/tracebridge-0.1.0-SNAPSHOT");
      double[] rates = {1000};
      int seconds = 30;
      int warmup = 10;
      int calls = 4;
      int promptChars = 400;
      int inFlight = 32;
      Path logs = Path.of("target/cross-node-latency");
      Map<String, String> webEnv = new java.util.HashMap<>();
      String topology = "both";
      for (int i = 0; i < args.length; i += 2) {
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(args[i] + " needs a value");
        }
        String v = args[i + 1];
        switch (args[i]) {
          case "--dist" -> dist = Path.of(v);
          case "--rate" -> rates = Arrays.stream(v.split(",")).mapToDouble(Double::parseDouble).toArray();
          case "--seconds" -> seconds = Integer.parseInt(v);
          case "--warmup" -> warmup = Integer.parseInt(v);
          case "--calls" -> calls = Integer.parseInt(v);
          case "--prompt-chars" -> promptChars = Integer.parseInt(v);
          case "--in-flight" -> inFlight = Integer.parseInt(v);
          case "--logs" -> logs = Path.of(v);
          case "--heartbeat" -> webEnv.put("TRACEBRIDGE_HEARTBEAT", v);
          case "--topology" -> topology = v;
          default -> throw new IllegalArgumentException("unknown option " + args[i]
              + " (--dist, --rate, --seconds, --warmup, --calls, --prompt-chars, --in-flight, --heartbeat, --logs, --topology)");
        }
      }
      if (rates.length == 0 || Arrays.stream(rates).anyMatch(r -> r <= 0) || seconds < 1 || warmup < 0 || calls < 1 || inFlight < 1) {
        throw new IllegalArgumentException("--rate, --seconds, --calls and --in-flight must be positive, --warmup not negative");
      }
      if (!Set.of("both", "cross-node", "one-node").contains(topology)) {
        throw new IllegalArgumentException("--topology both|cross-node|one-node, was " + topology);
      }
      return new Options(dist, rates, seconds, warmup, calls, promptChars, inFlight, logs, Map.copyOf(webEnv), topology);
    }
  }

  public static void main(String[] args) throws Exception {
    Options o = Options.parse(args);
    if (!Files.isDirectory(o.dist())) {
      throw new IllegalArgumentException("no distribution at " + o.dist().toAbsolutePath()
          + ": build it with ./mvnw -B -ntp -pl dist -am package -DskipTests, or pass --dist");
    }
    System.out.printf("CrossNodeLatency: %s spans/s for %d s each after %d s of warm-up, %d spans per run, %d exports in flight at most%n",
        Arrays.toString(o.rates()), o.seconds(), o.warmup(), AgentRuns.spansPerRun(o.calls()), o.inFlight());
    List<String> rows = new ArrayList<>();

    if (!o.topology().equals("one-node")) try (Topology cluster = Topology.builder(o.dist(), o.logs().resolve("cluster")).javaOpts(JAVA_OPTS).start()) {
      cluster.dynamoDb().awaitReady(READY);
      RoleProcess receiver1 = cluster.startReceiver("receiver-1", true, Map.of());
      receiver1.awaitReady(READY);
      RoleProcess receiver2 = cluster.startReceiver("receiver-2", false, Map.of());
      RoleProcess web1 = cluster.startWeb("web-1", o.webEnv());
      RoleProcess web2 = cluster.startWeb("web-2", o.webEnv());
      cluster.awaitReady(READY);
      for (double rate : o.rates()) {
        rows.addAll(measure(o, rate, label("cross-node", rate, o), List.of(receiver1, receiver2), List.of(web1, web2)));
      }
    }
    if (!o.topology().equals("cross-node")) try (Topology single = Topology.builder(o.dist(), o.logs().resolve("single")).javaOpts(JAVA_OPTS).start()) {
      RoleProcess up = single.startAllInOne("up", o.webEnv());
      up.awaitReady(READY);
      for (double rate : o.rates()) {
        rows.addAll(measure(o, rate, label("one node (up)", rate, o), List.of(up), List.of(up)));
      }
    }

    System.out.println();
    System.out.printf("%-40s %10s %8s %8s %8s %8s %8s%n", "span end to ...", "spans/s", "samples", "p50 ms", "p95 ms", "p99 ms", "max ms");
    rows.forEach(System.out::println);
    System.exit(0); // the OTLP exporters' and websocket clients' threads would keep the JVM up a while
  }

  /** A row label: the topology, and the rate asked when more than one is measured. */
  private static String label(String topology, double rate, Options o) {
    return o.rates().length == 1 ? topology : String.format("%s @%.0f/s", topology, rate);
  }

  /** Runs the load against {@code receivers}, with one subscriber on each of {@code webNodes}. */
  private static List<String> measure(Options o, double rate, String label, List<RoleProcess> receivers,
      List<RoleProcess> webNodes) throws Exception {
    String agentId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
    long measureFrom = epochNanos(Instant.now()) + TimeUnit.SECONDS.toNanos(o.warmup());
    long measureTo = measureFrom + TimeUnit.SECONDS.toNanos(o.seconds());

    // Per trace, how late its run was built against the schedule (open loop by the clock): added
    // to every latency of its spans in the "from the schedule" rows, so that waiting for the
    // generator (a full in-flight window, a late thread) is not hidden (coordinated omission).
    Map<String, Long> lateness = new java.util.concurrent.ConcurrentHashMap<>();
    List<Probe> probes = new ArrayList<>();
    List<LiveClient> clients = new ArrayList<>();
    for (RoleProcess web : webNodes) {
      Probe probe = new Probe(label + ", websocket on " + web.name(), measureFrom, measureTo, lateness);
      probes.add(probe);
      LiveClient client = LiveClient.subscribe(web.name(), List.of(Topology.websocketUrl(web)), "agentId", agentId, probe);
      client.awaitSynced(1, READY);
      clients.add(client);
    }

    Samples acks = new Samples();
    Samples acksScheduled = new Samples();
    AtomicLong sentSpans = new AtomicLong();
    AtomicLong lastAck = new AtomicLong();
    AtomicLong notSent = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> endpoints = receivers.stream().map(Topology::grpcEndpoint).toList();
    int spansPerRun = AgentRuns.spansPerRun(o.calls());
    long intervalNanos = (long) (spansPerRun * 1e9 / rate);
    Semaphore inFlight = new Semaphore(o.inFlight());
    ExecutorService senders = Executors.newFixedThreadPool(o.inFlight());
    long measuredSpans = 0; // spans that ended in the measured window: one sample each per websocket
    try (FailoverExporter exporter = new FailoverExporter(endpoints)) {
      long next = System.nanoTime();
      for (long run = 0; ; run++) {
        long wait = next - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        // The run's place on the schedule, as a wall-clock time: runs are due every interval
        // whatever happened before; a run built late is sent at once (no reset of the schedule).
        long due = epochNanos(Instant.now()) - (System.nanoTime() - next);
        next += intervalNanos;
        if (due >= measureTo) {
          break;
        }
        if (epochNanos(Instant.now()) > measureTo + BEHIND.toNanos()) {
          notSent.incrementAndGet(); // more than BEHIND late: counted, not sent
          continue;
        }
        inFlight.acquire();
        AgentRuns.Run agentRun = AgentRuns.build("session-" + (run % 64), agentId, o.calls(), o.promptChars(), agentId + "-" + run);
        long end = agentRun.spans().get(agentRun.spans().size() - 1).getEndEpochNanos();
        // On schedule, the run (its spans end up to now, the root last) would have ended at due.
        long late = Math.max(0, end - due);
        boolean measured = due >= measureFrom;
        if (measured) {
          lateness.put(normalTraceId(agentRun.traceId()), late);
          measuredSpans += agentRun.spans().size();
        }
        int preferred = (int) (run % endpoints.size());
        senders.execute(() -> {
          try {
            exporter.export(agentRun.spans(), preferred);
            long acked = epochNanos(Instant.now());
            if (measured) {
              acks.add(acked - end);
              acksScheduled.add(acked - end + late);
              sentSpans.addAndGet(agentRun.spans().size());
              lastAck.accumulateAndGet(acked, Math::max);
            }
          } catch (RuntimeException e) {
            failed.incrementAndGet();
          } finally {
            inFlight.release();
          }
        });
      }
      senders.shutdown();
      senders.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS);
      long expected = measuredSpans;
      long deadline = System.nanoTime() + DRAIN.toNanos();
      for (Probe p : probes) {
        while (p.scheduled.size() < expected - spansPerRun * failed.get() && System.nanoTime() < deadline) {
          Thread.sleep(100);
        }
      }
    } finally {
      clients.forEach(LiveClient::close);
    }

    // Acknowledged spans of the runs due in the window over the time they took to be stored.
    double achieved = sentSpans.get() / Math.max(o.seconds(), (lastAck.get() - measureFrom) / 1e9);
    List<String> rows = new ArrayList<>();
    rows.add(acks.row(label + ", acknowledged (stored)", achieved));
    rows.add(acksScheduled.row("  acknowledged, from the schedule", achieved));
    Samples all = new Samples();
    Samples allScheduled = new Samples();
    Samples allFromStamp = new Samples();
    for (Probe p : probes) {
      rows.add(p.samples.row(p.name, achieved));
      rows.add(p.scheduled.row("  same, from the schedule", achieved));
      all.addAll(p.samples);
      allScheduled.addAll(p.scheduled);
      allFromStamp.addAll(p.fromStamp);
    }
    if (probes.size() > 1) {
      rows.add(all.row(label + ", websocket, both nodes", achieved));
      rows.add(allScheduled.row("  same, from the schedule", achieved));
    }
    rows.add(allFromStamp.row("  (from the write's stamp, not span end)", achieved));
    long missing = measuredSpans * probes.size() - allScheduled.size();
    if (missing != 0 || failed.get() != 0 || notSent.get() != 0) {
      rows.add(String.format("  (%s: %d exports failed, %d runs not sent (the generator was over %s behind), %d span-end records not received within %s of the end)",
          label, failed.get(), notSent.get(), BEHIND, missing, DRAIN));
    }
    return rows;
  }

  /** First arrivals of span-end records on one websocket, as latencies. Runs on the client's thread. */
  private static final class Probe implements Consumer<LiveClient.Frame> {
    final String name;
    /** Span end to arrival. */
    final Samples samples = new Samples();
    /** The version's ingest stamp (taken by the receiver just before its write) to arrival. */
    final Samples fromStamp = new Samples();
    private final long from;
    private final long to;
    /** Span end, moved later by its run's lateness against the schedule, to arrival. */
    final Samples scheduled = new Samples();
    private final Set<String> seen = new HashSet<>();
    private final Map<String, Long> lateness;

    Probe(String name, long from, long to, Map<String, Long> lateness) {
      this.name = name;
      this.from = from;
      this.to = to;
      this.lateness = lateness;
    }

    @Override
    public void accept(LiveClient.Frame frame) {
      if (!frame.type().equals("record")) {
        return;
      }
      JsonNode record = frame.record();
      if (!SPAN_END_TYPES.contains(record.path("type").asText()) || !seen.add(record.path("recordId").asText())) {
        return;
      }
      long ended = epochNanos(Instant.parse(record.path("timestamp").asText()));
      Long late = lateness.get(normalTraceId(record.path("traceId").asText()));
      if (late != null) {
        scheduled.add(frame.arrivedEpochNanos() - ended + late);
      }
      if (ended >= from && ended < to) {
        samples.add(frame.arrivedEpochNanos() - ended);
        String seq = frame.json().path("seq").asText();
        fromStamp.add(frame.arrivedEpochNanos() - Long.parseLong(seq.substring(0, seq.indexOf('#'))));
      }
    }
  }

  /** Latencies in nanoseconds. Thread-safe. */
  private static final class Samples {
    private long[] values = new long[1024];
    private int size;

    synchronized void add(long nanos) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = nanos;
    }

    synchronized void addAll(Samples other) {
      long[] copy = other.snapshot();
      for (long v : copy) {
        add(v);
      }
    }

    synchronized int size() {
      return size;
    }

    synchronized long[] snapshot() {
      return Arrays.copyOf(values, size);
    }

    String row(String name, double spansPerSecond) {
      long[] sorted = snapshot();
      Arrays.sort(sorted);
      if (sorted.length == 0) {
        return String.format("%-40s %10.0f %8d %8s %8s %8s %8s", name, spansPerSecond, 0, "-", "-", "-", "-");
      }
      return String.format("%-40s %10.0f %8d %8.1f %8.1f %8.1f %8.1f", name, spansPerSecond, sorted.length,
          ms(percentile(sorted, 0.50)), ms(percentile(sorted, 0.95)), ms(percentile(sorted, 0.99)),
          ms(sorted[sorted.length - 1]));
    }

    private static long percentile(long[] sorted, double q) {
      return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
    }

    private static double ms(long nanos) {
      return nanos / 1e6;
    }
  }

  /** A trace id as 32 lower-case hex digits, from W3C or X-Ray form. */
  static String normalTraceId(String id) {
    String s = id.startsWith("1-") ? id.substring(2) : id;
    return s.replace("-", "").toLowerCase(java.util.Locale.ROOT);
  }

  private static long epochNanos(Instant t) {
    return LiveClient.epochNanos(t);
  }
}
