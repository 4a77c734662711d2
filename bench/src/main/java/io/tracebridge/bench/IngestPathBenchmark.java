package io.tracebridge.bench;

import io.opentelemetry.exporter.internal.otlp.traces.TraceRequestMarshaler;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceAssembly;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * span-mapper's share of one ingested span, on the export {@link LoadGenerator} sends (bench
 * README section 7.3): {@value #SPANS} spans of whole 4-call agent runs in the hook-event
 * convention ({@link AgentRunTemplates}, 2 KB prompts, fresh ids), as OTLP protobuf bytes.
 *
 * <ul>
 *   <li>{@code decodeMapAssemble}: what the receiver and its context filler run per export on a
 *       fresh trace: decode, {@link SpanMapper#map}, then {@link TraceAssembly#assemble} of the
 *       records with the request's span nodes (the filler's pass, nothing stored before);
 *   <li>{@code assemble}: that last step alone, on the mapped records;
 *   <li>{@code copyRecord}: {@code toBuilder().build()} of each mapped record, the copy the
 *       assembly and the limits make of a record several times.
 * </ul>
 * Scores are spans (records for {@code copyRecord}) per second on one thread.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 10, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@Threads(1)
public class IngestPathBenchmark {
  static final int CALLS = 4;
  static final int KB = 2;
  static final int SPANS = 256; // 32 runs of 8 spans: LoadGenerator's --batch 256
  static final int RECORDS = 2 * SPANS;

  private final SpanMapper mapper = new SpanMapper();
  private byte[] wire;
  private MappingResult mapped;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    int runs = SPANS / AgentRunTemplates.spansPerRun(CALLS);
    FreshIdBatches batches = new FreshIdBatches(AgentRunTemplates.build(8, CALLS, KB), runs, 42);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceRequestMarshaler.create(batches.batch(0)).writeBinaryTo(out);
    wire = out.toByteArray();
    mapped = mapper.map("bench", ExportTraceServiceRequest.parseFrom(wire));
    if (mapped.spans().size() != SPANS || mapped.records().size() != RECORDS
        || mapped.rejectedSpans() > 0) {
      throw new IllegalStateException("expected " + SPANS + " spans and " + RECORDS
          + " records, got " + mapped.spans().size() + " and " + mapped.records().size()
          + " (" + mapped.rejectedSpans() + " rejected)");
    }
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public TraceAssembly.Result decodeMapAssemble() throws IOException {
    MappingResult result = mapper.map("bench", ExportTraceServiceRequest.parseFrom(wire));
    return TraceAssembly.assemble(result.records(), result.spans());
  }

  @Benchmark
  @OperationsPerInvocation(SPANS)
  public TraceAssembly.Result assemble() {
    return TraceAssembly.assemble(mapped.records(), mapped.spans());
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void copyRecord(Blackhole bh) {
    List<FunctionalRecord> records = mapped.records();
    for (int i = 0; i < records.size(); i++) {
      bh.consume(records.get(i).toBuilder().build());
    }
  }
}
