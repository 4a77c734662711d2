package io.tracebridge.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One connection's guard, in front of Netty's HTTP/1.x decoder (see {@link HttpGuard}): follows
 * the request framing byte by byte (header block, then a fixed-length or chunked body, then the
 * next request) without changing or holding any byte, checks each header block ({@link
 * HeaderBlock}), and keeps the time limits:
 *
 * <ul>
 *   <li>header time-out: armed at a request's first byte, disarmed at the end of its headers; on
 *       expiry 408 and close;
 *   <li>body time-out and minimum rate: from the end of the headers to the end of the body, the
 *       body must end within {@link GuardLimits#bodyTimeout()} and bring at least {@link
 *       GuardLimits#minBytesPerWindow()} in every {@link GuardLimits#rateWindow()}; otherwise the
 *       connection is closed (the server may already have answered, so nothing more is written).
 *       A window during which the server had paused reading ({@code autoRead} off) is not
 *       counted.
 * </ul>
 *
 * <p>When the decoder leaves the pipeline (a websocket upgrade), the guard removes itself: what
 * follows is no longer HTTP/1.x. Runs on the channel's event loop only; not thread-safe.
 */
final class RequestFramingGuard extends ChannelInboundHandlerAdapter {
  /** Netty's default initial-line limit, on top of the header limit. */
  private static final int MAX_REQUEST_LINE = 4096;
  /** A chunk-size line or a trailer line longer than this is malformed. */
  private static final int MAX_CHUNK_LINE = 1024;

  private enum State {
    BETWEEN,
    HEADERS,
    FIXED_BODY,
    CHUNK_SIZE,
    CHUNK_DATA,
    CHUNK_DATA_END,
    TRAILERS,
    REFUSED
  }

  private final GuardLimits limits;
  private final byte[] block;
  private int blockLength;
  private final StringBuilder line = new StringBuilder();
  private State state = State.BETWEEN;
  private long remaining;
  private long windowBytes;
  private long bodyDeadlineNanos;
  private ScheduledFuture<?> headerTimer;
  private ScheduledFuture<?> windowTimer;

  RequestFramingGuard(GuardLimits limits) {
    this.limits = limits;
    this.block = new byte[limits.maxHeaderBytes() + MAX_REQUEST_LINE];
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (ctx.pipeline().get(HttpGuard.HTTP_DECODER) == null) {
      ctx.pipeline().remove(this);
      ctx.fireChannelRead(msg);
      return;
    }
    if (state == State.REFUSED) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf bytes) {
      String refusal = scan(ctx, bytes);
      if (refusal != null) {
        refuse(ctx, 400, "Bad Request", refusal);
      }
      if (state == State.REFUSED) { // by this read, or a 431 while scanning it
        ReferenceCountUtil.release(msg);
        return;
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancelTimers();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancelTimers();
  }

  /** Follows the framing over {@code bytes}; the reason to refuse, or null. */
  private String scan(ChannelHandlerContext ctx, ByteBuf bytes) {
    int end = bytes.writerIndex();
    int i = bytes.readerIndex();
    while (i < end) {
      switch (state) {
        case BETWEEN -> {
          byte b = bytes.getByte(i++);
          if (b != '\r' && b != '\n') { // empty lines before a request are ignored (RFC 9112 §2.2)
            startHeaders(ctx);
            String refusal = header(ctx, b);
            if (refusal != null) {
              return refusal;
            }
          }
        }
        case HEADERS -> {
          String refusal = header(ctx, bytes.getByte(i++));
          if (refusal != null) {
            return refusal;
          }
        }
        case FIXED_BODY, CHUNK_DATA -> {
          int n = (int) Math.min(remaining, end - i);
          i += n;
          remaining -= n;
          windowBytes += n;
          if (remaining == 0) {
            if (state == State.FIXED_BODY) {
              endBody();
            } else {
              state = State.CHUNK_DATA_END;
              remaining = 2;
            }
          }
        }
        case CHUNK_SIZE, CHUNK_DATA_END, TRAILERS -> {
          windowBytes++;
          String refusal = chunkFraming(bytes.getByte(i++));
          if (refusal != null) {
            return refusal;
          }
        }
        case REFUSED -> {
          return null;
        }
        default -> throw new IllegalStateException(state.name());
      }
    }
    return null;
  }

  private void startHeaders(ChannelHandlerContext ctx) {
    state = State.HEADERS;
    blockLength = 0;
    headerTimer = ctx.executor().schedule(() -> {
      if (state == State.HEADERS) {
        refuse(ctx, 408, "Request Timeout",
            "request headers not received within " + limits.headerTimeout().toMillis() + " ms");
      }
    }, limits.headerTimeout().toNanos(), TimeUnit.NANOSECONDS);
  }

  /** One byte of a header block; at its end, checks it and moves on to the body. */
  private String header(ChannelHandlerContext ctx, byte b) {
    if (b == '\n' && (blockLength == 0 || block[blockLength - 1] != '\r')) {
      return "a line ends with a bare LF, not CRLF";
    }
    if (blockLength > 0 && block[blockLength - 1] == '\r' && b != '\n') {
      return "a bare CR inside the request headers";
    }
    if (blockLength == block.length) {
      refuse(ctx, 431, "Request Header Fields Too Large",
          "request headers are larger than " + limits.maxHeaderBytes() + " bytes");
      return null;
    }
    block[blockLength++] = b;
    if (blockLength < 4 || block[blockLength - 4] != '\r' || block[blockLength - 3] != '\n'
        || block[blockLength - 2] != '\r' || b != '\n') {
      return null;
    }
    headerTimer.cancel(false);
    HeaderBlock.Framing framing;
    try {
      framing = HeaderBlock.check(block, blockLength - 4);
    } catch (HeaderBlock.Refused e) {
      return e.getMessage();
    }
    switch (framing.kind()) {
      case NONE -> state = State.BETWEEN;
      case FIXED -> {
        state = State.FIXED_BODY;
        remaining = framing.length();
        startBody(ctx);
      }
      case CHUNKED -> {
        state = State.CHUNK_SIZE;
        line.setLength(0);
        startBody(ctx);
      }
      default -> throw new IllegalStateException(framing.kind().name());
    }
    return null;
  }

  /** One byte of a chunk-size line, of the CRLF after a chunk, or of the trailers. */
  private String chunkFraming(byte b) {
    if (state == State.CHUNK_DATA_END) {
      if (b != (remaining == 2 ? '\r' : '\n')) {
        return "a chunk does not end with CRLF";
      }
      if (--remaining == 0) {
        state = State.CHUNK_SIZE;
        line.setLength(0);
      }
      return null;
    }
    if (b != '\n') {
      if (line.length() == MAX_CHUNK_LINE) {
        return "a chunk-size or trailer line is longer than " + MAX_CHUNK_LINE + " bytes";
      }
      line.append((char) (b & 0xff));
      return null;
    }
    if (line.length() == 0 || line.charAt(line.length() - 1) != '\r') {
      return "a chunk line ends with a bare LF, not CRLF";
    }
    String text = line.substring(0, line.length() - 1);
    line.setLength(0);
    if (state == State.TRAILERS) {
      if (text.isEmpty()) {
        endBody();
      }
      return null;
    }
    int semicolon = text.indexOf(';');
    String hex = (semicolon < 0 ? text : text.substring(0, semicolon)).strip();
    long size;
    try {
      size = hex.isEmpty() || hex.length() > 15 ? -1 : Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      size = -1;
    }
    if (size < 0) {
      return "a chunk size is not a hexadecimal number";
    }
    if (size == 0) {
      state = State.TRAILERS;
    } else {
      state = State.CHUNK_DATA;
      remaining = size;
    }
    return null;
  }

  private void startBody(ChannelHandlerContext ctx) {
    windowBytes = 0;
    bodyDeadlineNanos = System.nanoTime() + limits.bodyTimeout().toNanos();
    long window = limits.rateWindow().toNanos();
    windowTimer = ctx.executor().scheduleAtFixedRate(
        () -> checkRate(ctx), window, window, TimeUnit.NANOSECONDS);
  }

  private void checkRate(ChannelHandlerContext ctx) {
    boolean inBody = state == State.FIXED_BODY || state == State.CHUNK_SIZE
        || state == State.CHUNK_DATA || state == State.CHUNK_DATA_END || state == State.TRAILERS;
    if (!inBody) {
      windowTimer.cancel(false);
      return;
    }
    boolean tooSlow = ctx.channel().config().isAutoRead() && windowBytes < limits.minBytesPerWindow();
    if (tooSlow || System.nanoTime() - bodyDeadlineNanos >= 0) {
      state = State.REFUSED;
      cancelTimers();
      ctx.close();
      return;
    }
    windowBytes = 0;
  }

  private void endBody() {
    state = State.BETWEEN;
    if (windowTimer != null) {
      windowTimer.cancel(false);
    }
  }

  /** Answers {@code status} with {@code reason} as plain text and closes the connection. */
  private void refuse(ChannelHandlerContext ctx, int status, String phrase, String reason) {
    state = State.REFUSED;
    cancelTimers();
    byte[] body = (reason + "\n").getBytes(StandardCharsets.UTF_8);
    String head = "HTTP/1.1 " + status + " " + phrase + "\r\n"
        + "Content-Type: text/plain; charset=utf-8\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "Connection: close\r\n\r\n";
    ByteBuf out = ctx.alloc().buffer(head.length() + body.length);
    out.writeCharSequence(head, StandardCharsets.ISO_8859_1);
    out.writeBytes(body);
    ctx.writeAndFlush(out).addListener(ChannelFutureListener.CLOSE);
  }

  private void cancelTimers() {
    if (headerTimer != null) {
      headerTimer.cancel(false);
    }
    if (windowTimer != null) {
      windowTimer.cancel(false);
    }
  }
}
