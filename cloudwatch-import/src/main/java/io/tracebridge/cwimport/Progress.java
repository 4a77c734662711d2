package io.tracebridge.cwimport;

import java.io.PrintStream;
import java.time.Duration;

/**
 * The progress line on stderr: items read, rate, share of the time window done, ETA. On a
 * terminal one line redrawn in place (at most a few times a second); otherwise a plain line per
 * page, so logs of a batch job stay readable.
 */
public final class Progress {
  private final PrintStream out;
  private final boolean tty;
  private final long startNanos = System.nanoTime();
  private long lastDrawNanos;
  private boolean drewInPlace;

  /**
   * @param out where to write (stderr)
   * @param tty redraw one line in place (a terminal) rather than print a line per page
   */
  public Progress(PrintStream out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  /** Nothing shown (tests). */
  public static Progress silent() {
    return new Progress(new PrintStream(PrintStream.nullOutputStream()), false);
  }

  /**
   * @param source what is being read (log group or X-Ray)
   * @param items events and X-Ray documents read so far, every source
   * @param fraction share of the whole import done, 0..1 (unknown: negative)
   */
  void update(String source, long items, double fraction) {
    long now = System.nanoTime();
    if (tty && now - lastDrawNanos < 200_000_000L) {
      return;
    }
    lastDrawNanos = now;
    double seconds = Math.max(1e-3, (now - startNanos) / 1e9);
    String rate = String.format("%.0f/s", items / seconds);
    String eta = fraction > 0 && fraction < 1
        ? "ETA " + format(Duration.ofMillis((long) (seconds * (1 - fraction) / fraction * 1000)))
        : fraction >= 1 ? "done" : "ETA ?";
    String line;
    if (tty) {
      int width = 24;
      int filled = (int) Math.round(Math.max(0, Math.min(1, fraction)) * width);
      line = String.format("\r[%s%s] %3.0f%% %,d items %s %s  %s\u001b[K", "#".repeat(filled), " ".repeat(width - filled),
          Math.max(0, fraction) * 100, items, rate, eta, source);
      drewInPlace = true;
    } else {
      line = String.format("import: %s %3.0f%% %,d items %s %s%n", source, Math.max(0, fraction) * 100, items, rate, eta);
    }
    out.print(line);
    out.flush();
  }

  /** Ends the in-place line. */
  void finish() {
    if (drewInPlace) {
      out.println();
    }
  }

  static String format(Duration d) {
    long s = d.toSeconds();
    return s >= 3600 ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String.format("%d:%02d", s / 60, s % 60);
  }
}
