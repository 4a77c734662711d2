package io.tracebridge.web;

import io.tracebridge.store.IngestSeq;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * A websocket resume position: a watermark (ingest stamp, ns) up to which the client has every
 * record version, plus the versions after it that it already has. Resuming sends every stored
 * version after the watermark that is not in that set: no gap, no duplicate (README of
 * trace-api, "Cursors"). Its bytes (the watermark, then 16 bytes per version: its stamp and a
 * 64-bit hash of its record id) reach clients only sealed by {@link CursorSeal} for the
 * connection's tenant, so a client can neither read nor alter them. Not thread-safe: one per
 * subscription, on the event loop.
 */
final class Cursor {
  /** Versions above the watermark a cursor carries; past it the oldest are left out (duplicates possible, gaps not). */
  static final int MAX_RECENT = 512;
  /** What the seal binds a websocket cursor to, so a REST page cursor is never taken for one. */
  private static final String PURPOSE = "ws";

  record Version(long stamp, long idHash) {}

  private long watermark;
  private final LinkedHashSet<Version> recent = new LinkedHashSet<>();

  private Cursor(long watermark) {
    this.watermark = watermark;
  }

  /** The start of a feed: nothing delivered yet. */
  static Cursor start() {
    return new Cursor(-1);
  }

  /**
   * The cursor sealed into {@code text} for {@code tenant}.
   *
   * @throws CursorSeal.BadCursorException for anything this deployment did not issue to the tenant
   */
  static Cursor parse(CursorSeal seal, String tenant, String text) {
    ByteBuffer b = ByteBuffer.wrap(seal.open(PURPOSE, tenant, text));
    if (b.remaining() < 8 || (b.remaining() - 8) % 16 != 0) {
      throw new CursorSeal.BadCursorException("malformed cursor: use one the server sent");
    }
    Cursor c = new Cursor(b.getLong());
    while (b.hasRemaining()) {
      c.recent.add(new Version(b.getLong(), b.getLong()));
    }
    return c;
  }

  static Version version(String seq) {
    int hash = seq.indexOf('#');
    return new Version(IngestSeq.stampNanos(seq), hash64(seq.substring(hash + 1)));
  }

  /** The feed position to read after: every version with a stamp above the watermark. */
  @Nullable
  String after() {
    return watermark < 0 ? null : IngestSeq.floor(watermark + 1);
  }

  /** True if the client already has the version at {@code seq}. */
  boolean has(String seq) {
    Version v = version(seq);
    return v.stamp() <= watermark || recent.contains(v);
  }

  /** Notes the version at {@code seq} as delivered. */
  void delivered(String seq) {
    Version v = version(seq);
    if (v.stamp() > watermark) {
      recent.add(v);
    }
  }

  /** Everything up to {@code stamp} is delivered: moves the watermark there (never back). */
  void advance(long stamp) {
    if (stamp <= watermark) {
      return;
    }
    watermark = stamp;
    recent.removeIf(v -> v.stamp() <= stamp);
  }

  long watermark() {
    return watermark;
  }

  int recentCount() {
    return recent.size();
  }

  /** The cursor's text for clients of {@code tenant}. */
  String encode(CursorSeal seal, String tenant) {
    int n = Math.min(recent.size(), MAX_RECENT);
    ByteBuffer b = ByteBuffer.allocate(8 + 16 * n);
    b.putLong(watermark);
    Iterator<Version> it = recent.iterator();
    for (int skip = recent.size() - n; skip > 0; skip--) {
      it.next(); // the oldest are left out
    }
    while (it.hasNext()) {
      Version v = it.next();
      b.putLong(v.stamp()).putLong(v.idHash());
    }
    return seal.seal(PURPOSE, tenant, b.array());
  }

  /** FNV-1a, 64 bits. */
  private static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
      h ^= x & 0xff;
      h *= 0x100000001b3L;
    }
    return h;
  }

  Set<Version> recentView() {
    return java.util.Collections.unmodifiableSet(recent);
  }
}
