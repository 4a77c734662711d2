package io.tracebridge.cloudwatch.xray.translator;

import io.tracebridge.genai.GenAi;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status.StatusCode;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.internal.SpanInput;
import io.tracebridge.cloudwatch.xray.CauseData;
import io.tracebridge.cloudwatch.xray.ExceptionData;
import io.tracebridge.cloudwatch.xray.StackFrame;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.annotation.Nullable;

/**
 * Exceptions as {@code cause} (collector {@code cause.go}): every span event named {@code
 * exception} becomes one {@code cause.exceptions[]} entry with {@code type}, {@code message},
 * {@code remote} (CLIENT/PRODUCER spans) and {@code stack} parsed from {@code
 * exception.stacktrace} (Java and Python frames; at most {@value #MAX_FRAMES}, the rest counted in
 * {@code truncated}). With no exception event and status ERROR, one exception carries the status
 * message (or {@code http.status_text}).
 *
 * <p>Unlike the collector, exception ids are derived from the trace id, span id and position
 * (SHA-256, 16 hex) instead of random, so a re-export yields the same document. Exception events
 * are consumed here; every other event is left for {@link EventsMapper}.
 */
final class CauseMapper {
  static final String EXCEPTION_EVENT = "exception";
  static final int MAX_FRAMES = 50;
  private static final Pattern JAVA_FRAME = Pattern.compile("^\\s*at\\s+([^\\s(]+)\\((.*)\\)\\s*$");
  private static final Pattern PYTHON_FRAME = Pattern.compile("^\\s*File \"(.+)\", line (\\d+), in (.+)$");

  private CauseMapper() {}

  /** The cause, or null when the span neither failed nor recorded an exception. */
  @Nullable
  static CauseData cause(SpanInput input, Map<String, AnyValue> attributes) {
    Span span = input.span();
    boolean remote = SegmentKinds.isRemoteCaller(span);
    String language = Attrs.string(input.resourceAttributes(), "telemetry.sdk.language").orElse("");
    List<ExceptionData> exceptions = new ArrayList<>();
    for (Span.Event event : span.getEventsList()) {
      if (!EXCEPTION_EVENT.equals(event.getName())) {
        continue;
      }
      Map<String, AnyValue> eventAttributes = Attrs.toMap(event.getAttributesList());
      List<StackFrame> frames = parseStack(Attrs.string(eventAttributes, "exception.stacktrace").orElse(""), language);
      int truncated = Math.max(0, frames.size() - MAX_FRAMES);
      exceptions.add(new ExceptionData(
          exceptionId(span, exceptions.size()),
          Attrs.string(eventAttributes, GenAi.EXCEPTION_TYPE).orElse(null),
          Attrs.string(eventAttributes, GenAi.EXCEPTION_MESSAGE).orElse(null),
          remote ? Boolean.TRUE : null,
          truncated == 0 ? null : truncated,
          frames.subList(0, Math.min(frames.size(), MAX_FRAMES))));
    }
    if (exceptions.isEmpty() && span.getStatus().getCode() == StatusCode.STATUS_CODE_ERROR) {
      String message = span.getStatus().getMessage();
      if (message.isBlank()) {
        message = Attrs.string(attributes, "http.status_text").orElse("");
      }
      if (!message.isBlank()) {
        exceptions.add(new ExceptionData(exceptionId(span, 0), null, message, remote ? Boolean.TRUE : null, null, List.of()));
      }
    }
    return exceptions.isEmpty() ? null : new CauseData(exceptions);
  }

  /** Frames innermost first, for Java ({@code at a.B.c(B.java:1)}) and Python tracebacks. */
  static List<StackFrame> parseStack(String stacktrace, String language) {
    List<StackFrame> java = new ArrayList<>();
    List<StackFrame> python = new ArrayList<>();
    for (String line : stacktrace.split("\\R")) {
      if (line.startsWith("Caused by:")) {
        break; // only the outermost exception's frames; the chain is in the message
      }
      Matcher j = JAVA_FRAME.matcher(line);
      if (j.matches()) {
        java.add(javaFrame(j.group(1), j.group(2)));
        continue;
      }
      Matcher p = PYTHON_FRAME.matcher(line);
      if (p.matches()) {
        python.add(new StackFrame(p.group(1), Integer.valueOf(p.group(2)), p.group(3).strip()));
      }
    }
    // Python prints the innermost frame last; X-Ray lists it first.
    Collections.reverse(python);
    if ("python".equals(language)) {
      return python;
    }
    if ("java".equals(language)) {
      return java;
    }
    return java.size() >= python.size() ? java : python;
  }

  private static StackFrame javaFrame(String label, String location) {
    int colon = location.lastIndexOf(':');
    if (colon > 0) {
      try {
        return new StackFrame(location.substring(0, colon), Integer.valueOf(location.substring(colon + 1)), label);
      } catch (NumberFormatException ignored) {
        // fall through: no line number
      }
    }
    return new StackFrame(location.isBlank() ? null : location, null, label);
  }

  private static String exceptionId(Span span, int index) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(span.getTraceId().toByteArray());
      sha.update(span.getSpanId().toByteArray());
      sha.update(Integer.toString(index).getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha.digest(), 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 missing", e);
    }
  }
}
