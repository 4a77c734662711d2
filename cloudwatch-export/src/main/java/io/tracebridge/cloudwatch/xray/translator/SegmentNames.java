package io.tracebridge.cloudwatch.xray.translator;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.internal.SpanInput;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Names segments and subsegments, then sanitises the name.
 *
 * <p><b>Segments</b> (roots and SERVER spans) are named after the service: {@code
 * aws.local.service}, else resource {@code service.name} (unless it is the SDK's {@code
 * unknown_service} placeholder), else the span name. The collector uses {@code service.name} only
 * for SERVER spans, so an agent whose spans are all INTERNAL shows up in the X-Ray trace map under
 * its root span's name ({@code invoke_agent X}); ours shows the agent's service.
 *
 * <p><b>Subsegments</b> of CLIENT/PRODUCER/CONSUMER spans are named after what they call, in the
 * collector's order: {@code aws.remote.service}, {@code peer.service}, {@code aws.service}, {@code
 * db.name}, {@code rpc.service}, {@code server.address}/{@code http.host}, {@code net.peer.name};
 * every other subsegment after its span name.
 *
 * <p><b>Sanitising</b> keeps only {@code [ 0-9 \p{L} \p{N} _ . : / % & # = + - @]}, cuts to 200
 * UTF-8 bytes on a character boundary (the collector may split a character) and falls back to
 * {@code span} when nothing is left.
 */
final class SegmentNames {
  static final int MAX_NAME_BYTES = 200;
  static final String FALLBACK = "span";
  private static final Pattern INVALID = Pattern.compile("[^ 0-9\\p{L}\\p{N}_.:/%&#=+\\-@]");
  private static final String[] REMOTE_NAME_KEYS = {
    "aws.remote.service", "peer.service", "aws.service", "db.name", "rpc.service", "server.address",
    "http.host", "net.peer.name"
  };

  private SegmentNames() {}

  static String name(SpanInput input, Map<String, AnyValue> attributes, boolean subsegment) {
    Optional<String> chosen;
    if (!subsegment) {
      chosen = Attrs.firstString(attributes, "aws.local.service")
          .or(() -> Optional.of(input.serviceName()).filter(s -> !s.isBlank() && !s.startsWith("unknown_service")));
    } else if (input.span().getKind() == SpanKind.SPAN_KIND_CLIENT
        || input.span().getKind() == SpanKind.SPAN_KIND_PRODUCER
        || input.span().getKind() == SpanKind.SPAN_KIND_CONSUMER) {
      chosen = Attrs.firstString(attributes, REMOTE_NAME_KEYS);
    } else {
      chosen = Optional.empty();
    }
    return sanitize(chosen.orElse(input.span().getName()));
  }

  static String sanitize(String name) {
    String kept = INVALID.matcher(name).replaceAll("");
    StringBuilder out = new StringBuilder();
    int bytes = 0;
    for (int i = 0; i < kept.length(); ) {
      int codePoint = kept.codePointAt(i);
      String ch = new String(Character.toChars(codePoint));
      int size = ch.getBytes(StandardCharsets.UTF_8).length;
      if (bytes + size > MAX_NAME_BYTES) {
        break;
      }
      out.append(ch);
      bytes += size;
      i += Character.charCount(codePoint);
    }
    String result = out.toString().strip();
    return result.isEmpty() ? FALLBACK : result;
  }
}
