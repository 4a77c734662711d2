package io.tracebridge.receiver.http;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import io.tracebridge.receiver.RequestRejectedException;
import io.tracebridge.receiver.RequestRejectedException.Reason;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import javax.annotation.Nullable;

/**
 * Content negotiation, gzip and (de)serialisation of OTLP/HTTP bodies (the collector's {@code
 * encoder.go}): {@code application/x-protobuf} and {@code application/json}, each optionally
 * {@code Content-Encoding: gzip}. Stateless and thread-safe; decoding is CPU work and runs off
 * the event loop.
 */
final class OtlpHttpCodec {
  static final String PROTOBUF = "application/x-protobuf";
  static final String JSON = "application/json";

  /** The two body formats. */
  enum Format {
    PROTOBUF(OtlpHttpCodec.PROTOBUF),
    JSON(OtlpHttpCodec.JSON);

    final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }
  }

  private OtlpHttpCodec() {}

  /**
   * The format of a request from its {@code Content-Type} (parameters such as {@code charset}
   * ignored).
   *
   * @throws RequestRejectedException (UNSUPPORTED_MEDIA_TYPE) for anything else, or none
   */
  static Format format(@Nullable String contentType) {
    if (contentType != null) {
      int semicolon = contentType.indexOf(';');
      String mediaType =
          (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
              .trim().toLowerCase(Locale.ROOT);
      if (mediaType.equals(PROTOBUF)) {
        return Format.PROTOBUF;
      }
      if (mediaType.equals(JSON)) {
        return Format.JSON;
      }
    }
    throw new RequestRejectedException(Reason.UNSUPPORTED_MEDIA_TYPE,
        "Content-Type must be " + PROTOBUF + " or " + JSON + ", was "
            + (contentType == null ? "none" : "\"" + contentType + "\""));
  }

  /**
   * Whether the body is gzip-compressed, from {@code Content-Encoding}.
   *
   * @throws RequestRejectedException (UNSUPPORTED_MEDIA_TYPE) for an encoding other than gzip or
   *     identity
   */
  static boolean gzip(@Nullable String contentEncoding) {
    if (contentEncoding == null) {
      return false;
    }
    String encoding = contentEncoding.trim().toLowerCase(Locale.ROOT);
    if (encoding.isEmpty() || encoding.equals("identity")) {
      return false;
    }
    if (encoding.equals("gzip")) {
      return true;
    }
    throw new RequestRejectedException(Reason.UNSUPPORTED_MEDIA_TYPE,
        "Content-Encoding must be gzip or identity, was \"" + contentEncoding + "\"");
  }

  /**
   * Decodes {@code body} into {@code into}: gunzips when {@code gzip} (never past {@code
   * maxBytes} uncompressed), then parses protobuf or OTLP/JSON.
   *
   * @throws RequestRejectedException UNDECODABLE for corrupt gzip or a body that is not the
   *     expected message; TOO_LARGE when it inflates past {@code maxBytes}
   */
  static <B extends Message.Builder> B decode(
      byte[] body, boolean gzip, Format format, int maxBytes, B into) {
    byte[] plain = gzip ? gunzip(body, maxBytes) : body;
    if (format == Format.JSON) {
      try {
        return OtlpJsonCodec.merge(plain, into);
      } catch (IllegalArgumentException e) {
        throw new RequestRejectedException(Reason.UNDECODABLE, e.getMessage(), e);
      }
    }
    try {
      into.mergeFrom(plain);
      return into;
    } catch (InvalidProtocolBufferException e) {
      throw new RequestRejectedException(Reason.UNDECODABLE,
          "body is not a protobuf " + into.getDescriptorForType().getName() + ": "
              + e.getMessage(), e);
    }
  }

  /** {@code message} in {@code format}. */
  static byte[] encode(Message message, Format format) {
    return format == Format.JSON
        ? OtlpJsonCodec.print(message).getBytes(StandardCharsets.UTF_8)
        : message.toByteArray();
  }

  private static byte[] gunzip(byte[] body, int maxBytes) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes, body.length * 4));
      byte[] chunk = new byte[16 * 1024];
      int total = 0;
      for (int n; (n = in.read(chunk)) > 0; ) {
        total += n;
        if (total > maxBytes) {
          throw new RequestRejectedException(Reason.TOO_LARGE,
              "body inflates to more than the maximum of " + maxBytes + " bytes");
        }
        out.write(chunk, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new RequestRejectedException(
          Reason.UNDECODABLE, "body is not valid gzip: " + e.getMessage(), e);
    }
  }
}
