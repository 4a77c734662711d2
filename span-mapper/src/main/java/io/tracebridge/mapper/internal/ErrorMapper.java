package io.tracebridge.mapper.internal;

import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordError;
import io.tracebridge.mapper.RecordType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.annotation.Nullable;

/**
 * Error records of a span that some convention read: one per {@code exception} event (type and
 * message from {@code exception.type}/{@code exception.message}), else one for a span whose
 * status is ERROR (type {@code error.type} or {@code span_status}, message the status message).
 * Step keys are {@code error#<n>}.
 */
final class ErrorMapper {
  private static final String SPAN_STATUS = "span_status";

  private ErrorMapper() {}

  static boolean failed(SpanView span) {
    return span.span().getStatus().getCode() == Status.StatusCode.STATUS_CODE_ERROR;
  }

  /**
   * The error a span ended with: its first {@code exception} event's, else its ERROR status's
   * (as {@link #map} reads them); null if it did not fail.
   */
  @Nullable
  static RecordError firstError(SpanView span) {
    for (Span.Event event : span.span().getEventsList()) {
      if (GenAiAttributes.EVENT_EXCEPTION.equals(event.getName())) {
        Attributes attributes = span.eventAttributes(event);
        return new RecordError(attributes.get(GenAiAttributes.EXCEPTION_TYPE),
            attributes.get(GenAiAttributes.EXCEPTION_MESSAGE));
      }
    }
    return failed(span) ? statusError(span) : null;
  }

  private static RecordError statusError(SpanView span) {
    String type = span.attributes().get(GenAiAttributes.ERROR_TYPE);
    String message = span.span().getStatus().getMessage();
    return new RecordError(type == null ? SPAN_STATUS : type, message.isBlank() ? null : message);
  }

  static List<FunctionalRecord> map(SpanView span, Dialect dialect) {
    List<FunctionalRecord> out = new ArrayList<>();
    Attributes none = Attributes.of(List.of(), span.onOddValue());
    int n = 0;
    for (Span.Event event : span.span().getEventsList()) {
      if (!GenAiAttributes.EVENT_EXCEPTION.equals(event.getName())) {
        continue;
      }
      Attributes attributes = span.eventAttributes(event);
      out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.ERROR, "error#" + n++,
              span.eventTime(event))
          .error(new RecordError(attributes.get(GenAiAttributes.EXCEPTION_TYPE),
              attributes.get(GenAiAttributes.EXCEPTION_MESSAGE)))
          .build());
    }
    if (out.isEmpty() && failed(span)) {
      out.add(CommonFieldsMapper.start(span, none, dialect, RecordType.ERROR, "error#0",
              Instant.ofEpochSecond(0, span.span().getEndTimeUnixNano() != 0
                  ? span.span().getEndTimeUnixNano() : span.span().getStartTimeUnixNano()))
          .error(statusError(span))
          .build());
    }
    return out;
  }
}
