package io.tracebridge.bench;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.bench.AgentSpans.Convention;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code SpanMapper.map} (and protobuf decoding plus map) on one request of {@value #SPANS} realistic {@code chat} spans (~{@value
 * #KB} KB of messages each) per convention. Scores are spans per second on one thread (one core):
 * {@code @OperationsPerInvocation} divides each call by the spans it maps.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// Warm-up: on the 2-core box the first iterations run at 0.3-40 % of the steady rate while C2
// compiles, and the rate settles after ~12 s (3 x 2 s, as before, measured a still-warming JIT).
// 10 x 2 s, then the measured iterations agree with the last warm-ups (bench/README.md, 7).
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class MapperBenchmark {
  static final int SPANS = 20;
  static final int KB = 4;

  @Param({"HOOK_EVENTS", "STRANDS_DEFAULT", "STRANDS_LATEST", "GENAI_SEMCONV", "OPENINFERENCE"})
  public Convention convention;

  private final SpanMapper mapper = new SpanMapper();
  private ExportTraceServiceRequest request;
  private byte[] wire;

  @Setup(Level.Trial)
  public void setUp() {
    request = AgentSpans.request(convention, SPANS, KB, 42);
    wire = request.toByteArray();
    MappingResult check = mapper.map("bench", request);
    if (check.records().isEmpty() || check.rejectedSpans() > 0) {
      throw new IllegalStateException("SpanMapper gives " + check.records().size()
          + " records and rejects " + check.rejectedSpans() + " spans for " + convention
          + ": it does not read this convention (yet); see SetupCheck");
    }
  }

  /** Mapping alone, on a parsed request (protobuf caches decoded strings after the first run). */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public MappingResult map() {
    return mapper.map("bench", request);
  }

  /** Protobuf decoding plus mapping, from the wire bytes: the receiver's CPU cost per span. */
  @Benchmark
  @OperationsPerInvocation(SPANS)
  public MappingResult decodeAndMap() throws InvalidProtocolBufferException {
    return mapper.map("bench", ExportTraceServiceRequest.parseFrom(wire));
  }
}
