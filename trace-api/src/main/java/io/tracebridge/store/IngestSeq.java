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
    if (stampNanos < 0) {
      return String.format("%019d#%s", stampNanos, recordId);
    }
    // By hand: String.format (its parser, a regex and a Formatter per call) was an eighth of the
    // in-memory ingest's CPU, called per record written and per summary (bench/README.md, 7.8).
    StringBuilder b = new StringBuilder(20 + recordId.length());
    appendPadded(b, stampNanos);
    return b.append('#').append(recordId).toString();
  }

  /** {@code value} (not negative) in decimal, zero-padded to 19 digits, as {@code %019d}. */
  private static void appendPadded(StringBuilder b, long value) {
    String digits = Long.toString(value);
    for (int i = digits.length(); i < 19; i++) {
      b.append('0');
    }
    b.append(digits);
  }

  /** The stamp of a sequence, in nanoseconds since the epoch. */
  public static long stampNanos(String seq) {
    int hash = seq.indexOf('#');
    return Long.parseLong(hash < 0 ? seq : seq.substring(0, hash));
  }

  /** The smallest sequence at or after {@code stampNanos}, for range queries. */
  public static String floor(long stampNanos) {
    StringBuilder b = new StringBuilder(19);
    appendPadded(b, Math.max(0, stampNanos));
    return b.toString();
  }
}
