package io.tracebridge.bench;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.logs.ContentLogMapper;
import io.tracebridge.cloudwatch.logs.LogEvent;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one CloudWatch content event costs the export's worker thread ({@link ContentLogMapper}):
 * a chat span whose {@code gen_ai.input.messages} hold {@code messages} messages of 4 KB each.
 * Up to about 60 messages the event fits 256 KB and is written whole; above, it is cut to fit
 * (one water-level cut over every message, then one check).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ContentEventBenchmark {
  @Param({"5", "50", "300"})
  public int messages;

  private SpanInput input;
  private final ContentLogMapper mapper = new ContentLogMapper();

  @Setup
  public void setUp() {
    StringBuilder json = new StringBuilder("[");
    for (int i = 0; i < messages; i++) {
      json.append(i == 0 ? "" : ",").append("{\"role\":\"").append(i % 2 == 0 ? "user" : "assistant")
          .append("\",\"content\":\"").append(("message " + i + " text ").repeat(4096 / 16)).append("\"}");
    }
    json.append("]");
    Span span = Span.newBuilder()
        .setTraceId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}))
        .setSpanId(ByteString.copyFrom(new byte[] {1, 2, 3, 4, 5, 6, 7, 8}))
        .setName("chat").setEndTimeUnixNano(1_735_725_600_000_000_000L)
        .addAttributes(kv("gen_ai.operation.name", "chat"))
        .addAttributes(kv("gen_ai.input.messages", json.toString()))
        .addAttributes(kv("gen_ai.completion", "done"))
        .build();
    input = new SpanInput(Map.of(), Resource.getDefaultInstance(), InstrumentationScope.getDefaultInstance(), span);
    LogEvent check = event();
    if (check.truncated() != (messages > 60)) {
      throw new IllegalStateException(messages + " messages: truncated=" + check.truncated());
    }
  }

  private static KeyValue kv(String key, String value) {
    return KeyValue.newBuilder().setKey(key).setValue(AnyValue.newBuilder().setStringValue(value)).build();
  }

  @Benchmark
  public LogEvent event() {
    return mapper.event(input, "t").orElseThrow();
  }
}
