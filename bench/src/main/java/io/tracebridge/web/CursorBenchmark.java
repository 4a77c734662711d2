package io.tracebridge.web;

import io.tracebridge.store.IngestSeq;
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
 * What sealing costs a websocket frame: every record frame carries its subscription's cursor,
 * sealed with AES-GCM ({@link CursorSeal}), so this is added to each frame's encoding. {@code
 * recent} is how many versions above the watermark the cursor carries (at most {@value
 * Cursor#MAX_RECENT}; a settled, quiet subscription has 0). In the web package for its
 * package-private classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class CursorBenchmark {
  private static final String TENANT = "tenant-a";

  @Param({"0", "64", "512"})
  int recent;

  private final CursorSeal seal = CursorSeal.fromSecret("a-benchmark-cursor-secret");
  private Cursor cursor;
  private String sealed;

  @Setup
  public void setUp() {
    cursor = Cursor.start();
    long base = 1_767_000_000_000_000_000L;
    cursor.advance(base);
    for (int i = 1; i <= recent; i++) {
      cursor.delivered(IngestSeq.format(base + i * 1_000L, "record-" + i));
    }
    sealed = cursor.encode(seal, TENANT);
  }

  /** Sealing a frame's cursor. */
  @Benchmark
  public String encode() {
    return cursor.encode(seal, TENANT);
  }

  /** Opening a cursor a client resumes with (once per subscribe). */
  @Benchmark
  public Cursor parse() {
    return Cursor.parse(seal, TENANT, sealed);
  }
}
