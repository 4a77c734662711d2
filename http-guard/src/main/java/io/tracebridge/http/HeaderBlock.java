package io.tracebridge.http;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The strict checks on one request's raw header block (request line and header lines, without
 * the final empty line), and the body framing it declares. Stateless.
 *
 * <p>Refused with 400, because two servers (or a proxy and a server) may read each of these
 * differently, which is how requests are smuggled: an obsolete folded line (RFC 9112 §5.2), a
 * field name followed by whitespace (§5.1), more than one {@code Host} or none on HTTP/1.1 (§3.2),
 * a {@code Transfer-Encoding} other than exactly {@code chunked} (§6.1; {@code xchunked}, {@code
 * gzip, chunked}, {@code chunked, chunked}), both {@code Transfer-Encoding} and {@code
 * Content-Length} (§6.3), a {@code Content-Length} that is not one decimal number.
 */
final class HeaderBlock {
  /** How the body of a request is delimited. */
  enum Kind {
    NONE,
    FIXED,
    CHUNKED
  }

  /** The body framing of an accepted header block. */
  record Framing(Kind kind, long length) {
    static final Framing NONE = new Framing(Kind.NONE, 0);
    static final Framing CHUNKED = new Framing(Kind.CHUNKED, -1);
  }

  /** A header block that breaks one of the rules; the message is the 400 body. */
  static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  private HeaderBlock() {}

  /**
   * Checks {@code block} (ISO-8859-1 bytes, lines separated by CRLF) and gives the framing of the
   * body that follows.
   *
   * @throws Refused when a rule is broken
   */
  static Framing check(byte[] block, int length) throws Refused {
    String[] lines = new String(block, 0, length, StandardCharsets.ISO_8859_1).split("\r\n", -1);
    String requestLine = lines[0];
    boolean http11 = requestLine.endsWith(" HTTP/1.1");
    int hosts = 0;
    String transferEncoding = null;
    String contentLength = null;
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        continue;
      }
      char first = line.charAt(0);
      if (first == ' ' || first == '\t') {
        throw new Refused("obsolete line folding is not accepted (header line " + i
            + " starts with whitespace)");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new Refused("header line " + i + " has no field name and colon");
      }
      char beforeColon = line.charAt(colon - 1);
      if (beforeColon == ' ' || beforeColon == '\t') {
        throw new Refused("whitespace between a header field name and its colon");
      }
      String name = line.substring(0, colon).toLowerCase(Locale.ROOT);
      String value = line.substring(colon + 1).strip();
      switch (name) {
        case "host" -> hosts++;
        case "transfer-encoding" -> {
          if (transferEncoding != null) {
            throw new Refused("more than one Transfer-Encoding header");
          }
          transferEncoding = value;
        }
        case "content-length" -> {
          if (contentLength != null && !contentLength.equals(value)) {
            throw new Refused("Content-Length headers disagree");
          }
          contentLength = value;
        }
        default -> { }
      }
    }
    if (hosts > 1) {
      throw new Refused("more than one Host header");
    }
    if (hosts == 0 && http11) {
      throw new Refused("an HTTP/1.1 request needs a Host header");
    }
    if (transferEncoding != null) {
      if (!transferEncoding.equalsIgnoreCase("chunked")) {
        throw new Refused("Transfer-Encoding must be exactly chunked, was \""
            + transferEncoding + "\"");
      }
      if (contentLength != null) {
        throw new Refused("both Transfer-Encoding and Content-Length");
      }
      return Framing.CHUNKED;
    }
    if (contentLength == null) {
      return Framing.NONE;
    }
    if (contentLength.isEmpty() || contentLength.length() > 18
        || !contentLength.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new Refused("Content-Length must be a decimal number, was \"" + contentLength + "\"");
    }
    long n = Long.parseLong(contentLength);
    return n == 0 ? Framing.NONE : new Framing(Kind.FIXED, n);
  }
}
