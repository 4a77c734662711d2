package io.tracebridge.cwimport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.TraceAssemblyStore;
import io.tracebridge.store.TraceStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The captured cases under {@code src/test/resources/cloudwatch/<case>/} and what tests do with them. */
final class Fixtures {
  static final Path ROOT = Path.of("src", "test", "resources", "cloudwatch");
  static final List<String> CASES = List.of("strands_adot_tool_call", "strands_adot_latest_mode_tool_call");

  private Fixtures() {}

  /** One log event as FilterLogEvents returns it. */
  record Event(long timestamp, String message) {}

  static List<Event> events(String caseName, String file) {
    try {
      List<Event> out = new ArrayList<>();
      for (JsonNode e : CloudWatchEvents.JSON.readTree(ROOT.resolve(caseName).resolve(file).toFile())) {
        out.add(new Event(e.get("timestamp").asLong(), e.get("message").asText()));
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ExportTraceServiceRequest spans(String caseName) {
    return OtlpJsonCodec.parseTraces(bytes(ROOT.resolve(caseName).resolve("spans.otlp.json")));
  }

  static ExportLogsServiceRequest logs(String caseName) {
    return OtlpJsonCodec.parseLogs(bytes(ROOT.resolve(caseName).resolve("logs.otlp.json")));
  }

  static String text(Path file) {
    return new String(bytes(file), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The receiver's export path over {@code store}: mapper, trace context filler, store. */
  record Ingest(TraceExportHandler traces, LogsExportHandler logs) {
    static <S extends TraceStore & TraceAssemblyStore> Ingest over(S store) {
      SpanMapper mapper = new SpanMapper();
      TraceContextFiller filler = new TraceContextFiller(store, store);
      return new Ingest(new TraceExportHandler(mapper, filler), new LogsExportHandler(mapper, filler));
    }

    void send(String tenant, ExportTraceServiceRequest spans, ExportLogsServiceRequest logs) throws Exception {
      traces.export(tenant, spans).toCompletableFuture().get(60, TimeUnit.SECONDS);
      this.logs.export(tenant, logs).toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }

  /** Records in a stable order with the tenant blanked, so two tenants' copies compare equal. */
  static List<FunctionalRecord> comparable(List<FunctionalRecord> records) {
    return records.stream()
        .map(r -> new FunctionalRecord("-", r.traceId(), r.xrayTraceId(), r.spanId(), r.parentSpanId(), r.spanName(),
            r.recordId(), r.type(), r.timestamp(), r.durationMs(), r.sessionId(), r.agentId(), r.agentName(), r.model(),
            r.provider(), r.text(), r.tool(), r.usage(), r.totalUsage(), r.finishReason(), r.error(), r.truncated(),
            r.dialect(), r.originalSize(), r.systemPrompt(), r.messages(), r.truncatedFields()))
        .sorted(Comparator.comparing(FunctionalRecord::recordId))
        .toList();
  }

  /**
   * A copy of one captured run as another run: every trace id replaced by {@code traceId} and
   * every time moved by {@code shiftNanos} (CloudWatch refuses events older than 14 days, and the
   * interop test writes several runs).
   */
  static final class Rerun {
    private final long shiftNanos;
    private final Map<String, String> traceIds = new HashMap<>();
    private final java.util.function.Supplier<String> newTraceId;

    Rerun(long shiftNanos, java.util.function.Supplier<String> newTraceId) {
      this.shiftNanos = shiftNanos;
      this.newTraceId = newTraceId;
    }

    String traceId(String original) {
      return traceIds.computeIfAbsent(original, o -> newTraceId.get());
    }

    /** An OTLP/JSON file or a log event message, rewritten. */
    String rewrite(String json) {
      try {
        JsonNode tree = CloudWatchEvents.JSON.readTree(json);
        walk(tree);
        return CloudWatchEvents.JSON.writeValueAsString(tree);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    long shiftMillis(long ms) {
      return ms + shiftNanos / 1_000_000;
    }

    private void walk(JsonNode node) {
      if (node instanceof ObjectNode object) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String key = e.getKey();
          JsonNode value = e.getValue();
          if (key.equals("traceId") && value.isTextual()) {
            e.setValue(TextNode.valueOf(traceId(value.asText())));
          } else if (key.endsWith("UnixNano") && (value.isNumber() || value.isTextual()) && !value.asText().equals("0")) {
            long shifted = Long.parseLong(value.asText()) + shiftNanos;
            e.setValue(value.isNumber() ? CloudWatchEvents.JSON.getNodeFactory().numberNode(shifted)
                : TextNode.valueOf(Long.toString(shifted)));
          } else {
            walk(value);
          }
        }
      } else if (node != null && node.isArray()) {
        node.forEach(this::walk);
      }
    }
  }
}
