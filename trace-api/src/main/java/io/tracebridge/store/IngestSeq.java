package io.tracebridge.store;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ingest sequences: {@code {stampNanos, 19 digits}#{recordId}}, text that sorts as the stamps do.
 *
 * <p>A writer stamps a record version just before the write that makes it durable, from its own
 * clock, kept strictly increasing per writer. A version that stays identical keeps its stamp (the
 * stores write it only when its content changed); a changed version gets a new, later stamp.
 * Readers treat stamps older than their settle window as closed: see the module README,
 * "Cursors", for the guarantee and its limits. Thread-safe.
 */
public final class IngestSeq {
  private final Clock clock;
  private final AtomicLong last = new AtomicLong();

  public IngestSeq(Clock clock) {
    this.clock = clock;
  }

  /** A fresh stamp for {@code recordId}: later than every stamp this instance gave before. */
  public String next(String recordId) {
    return format(nextNanos(), recordId);
  }

  /** A fresh stamp in nanoseconds since the epoch, strictly increasing. */
  public long nextNanos() {
    Instant now = clock.instant();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    return last.updateAndGet(prev -> Math.max(prev + 1, nanos));
  }

  public static String format(long stampNanos, String recordId) {
    return String.format("%019d#%s", stampNanos, recordId);
  }

  /** The stamp of a sequence, in nanoseconds since the epoch. */
  public static long stampNanos(String seq) {
    int hash = seq.indexOf('#');
    return Long.parseLong(hash < 0 ? seq : seq.substring(0, hash));
  }

  /** The smallest sequence at or after {@code stampNanos}, for range queries. */
  public static String floor(long stampNanos) {
    return String.format("%019d", Math.max(0, stampNanos));
  }
}
