package io.tracebridge.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.StoredRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
import org.openjdk.jmh.infra.Blackhole;

/**
 * What one live batch costs a web node's event loop from the event-bus message to the {@code
 * record} frames of {@code subscribers} subscriptions (one frame per record per subscription),
 * the way it was built before issue 14 ({@code decodeAndReencode}: the message decoded into
 * records, each frame encoding its record again) and now ({@code encodedOnce}: the message read
 * with each record's JSON kept as characters, frames copying them). The cursor is a fixed string
 * (its sealing, the same in both, is {@link CursorBenchmark}). Also what the store's worker
 * thread paid per batch before ({@code storeThreadEncodeBefore}, the JSON encoding now done on the
 * publisher thread, {@code publisherEncode}). A batch is one agent run's 16 records with 2 KB of
 * text each. In the web package for its package-private classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class LiveFrameBenchmark {
  private static final String CURSOR = "v1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

  @Param({"1", "10", "100"})
  int subscribers;

  private List<StoredRecord> batch;
  private String oldMessage;
  private String newMessage;

  @Setup
  public void setUp() {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    Instant t0 = Instant.parse("2026-03-01T10:15:30.123456789Z");
    batch = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      String spanId = String.format("%016x", 0xa000 + i);
      RecordType type = i % 2 == 0 ? RecordType.MODEL_RESPONSE : RecordType.TOOL_RESPONSE;
      FunctionalRecord r = FunctionalRecord.builder().tenant("tenant-a").traceId(traceId).spanId(spanId)
          .recordId(RecordIds.of(traceId, spanId, type.name())).type(type).timestamp(t0.plusMillis(i))
          .dialect(Dialect.STRANDS).sessionId("session-1").agentId("agent-1").agentName("planner")
          .model("anthropic.claude-3-5-sonnet").usage(new Usage(1200, 345, 1000, 50, 0))
          .text(("step " + i + " \"quoted\" ünïcödé ").repeat(80)).build();
      long stamp = t0.toEpochMilli() * 1_000_000L + i;
      batch.add(new StoredRecord(r, IngestSeq.format(stamp, r.recordId())));
    }
    oldMessage = oldEncode(batch);
    newMessage = LiveRecordBus.encode(batch);
  }

  /** The message as the store's thread built it before: a tree of every record, then its text. */
  private static String oldEncode(List<StoredRecord> records) {
    ArrayNode message = RecordJson.mapper().createArrayNode();
    for (StoredRecord r : records) {
      message.addObject().put("seq", r.seq()).set("record", RecordJson.mapper().valueToTree(r.record()));
    }
    return message.toString();
  }

  @Benchmark
  public String storeThreadEncodeBefore() {
    return oldEncode(batch);
  }

  @Benchmark
  public String publisherEncode() {
    return LiveRecordBus.encode(batch);
  }

  @Benchmark
  public void decodeAndReencode(Blackhole sink) throws Exception {
    List<StoredRecord> records = new ArrayList<>();
    for (JsonNode entry : RecordJson.mapper().readTree(oldMessage)) {
      records.add(new StoredRecord(
          RecordJson.mapper().treeToValue(entry.get("record"), FunctionalRecord.class),
          entry.get("seq").asText()));
    }
    for (int s = 0; s < subscribers; s++) {
      for (StoredRecord r : records) {
        ObjectNode frame = RecordJson.mapper().createObjectNode();
        frame.put("type", "record");
        frame.put("subscription", "s" + s);
        frame.put("seq", r.seq());
        frame.put("cursor", CURSOR);
        frame.set("record", RecordJson.mapper().valueToTree(r.record()));
        sink.consume(frame.toString());
      }
    }
  }

  @Benchmark
  public void encodedOnce(Blackhole sink) throws Exception {
    List<EncodedRecord> records = LiveRecordBus.decode(newMessage);
    for (int s = 0; s < subscribers; s++) {
      for (EncodedRecord r : records) {
        sink.consume(LiveSockets.recordFrame("s" + s, r.seq(), CURSOR, r.json()));
      }
    }
  }
}
