package io.tracebridge.bench;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.bench.AgentSpans.Convention;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.MappingResult;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.TraceUsage;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Checks that every benchmark input really maps: prints, per convention, the request size, the
 * records by type and the usage; exits 1 if the mapper gives no record for a convention.
 */
public final class SetupCheck {
  private SetupCheck() {}

  public static void main(String[] args) {
    SpanMapper mapper = new SpanMapper();
    boolean allRead = true;
    for (Convention convention : Convention.values()) {
      ExportTraceServiceRequest request =
          AgentSpans.request(convention, MapperBenchmark.SPANS, MapperBenchmark.KB, 42);
      MappingResult result = mapper.map("bench", request);
      Map<String, Long> byType = result.records().stream()
          .collect(Collectors.groupingBy(r -> r.type().name(), TreeMap::new,
              Collectors.counting()));
      long dialects = result.records().stream().map(FunctionalRecord::dialect).distinct().count();
      System.out.printf("%-16s %4d KB request, %d spans -> %3d records %s, %d dialect(s), "
              + "usage %s, rejected %d, issues %d%n",
          convention, request.getSerializedSize() / 1024, MapperBenchmark.SPANS,
          result.records().size(), byType, dialects, TraceUsage.total(result.records()),
          result.rejectedSpans(), result.issues().size());
      if (result.records().isEmpty()) {
        allRead = false;
        System.out.println("  !! the mapper does not read " + convention + " (yet)");
      }
    }
    if (!allRead) {
      System.exit(1);
    }
  }
}
