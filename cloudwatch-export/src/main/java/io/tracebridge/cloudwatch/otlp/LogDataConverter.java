package io.tracebridge.cloudwatch.otlp;

import com.google.protobuf.ByteString;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * SDK {@link LogRecordData} to OTLP protobuf, grouped by resource and scope as the OTLP log
 * exporter sends it: the runtime side of log-record forwarding (the receiver already holds OTLP).
 * Pure and thread-safe.
 */
public final class LogDataConverter {
  private static final HexFormat HEX = HexFormat.of();

  private LogDataConverter() {}

  public static ExportLogsServiceRequest toRequest(Collection<LogRecordData> records) {
    Map<io.opentelemetry.sdk.resources.Resource, Map<InstrumentationScopeInfo, ScopeLogs.Builder>> grouped =
        new LinkedHashMap<>();
    for (LogRecordData data : records) {
      grouped.computeIfAbsent(data.getResource(), r -> new LinkedHashMap<>())
          .computeIfAbsent(data.getInstrumentationScopeInfo(), LogDataConverter::scopeLogs)
          .addLogRecords(record(data));
    }
    ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
    grouped.forEach((resource, scopes) -> {
      ResourceLogs.Builder resourceLogs = ResourceLogs.newBuilder()
          .setResource(Resource.newBuilder().addAllAttributes(SpanDataConverter.attributes(resource.getAttributes())));
      if (resource.getSchemaUrl() != null) {
        resourceLogs.setSchemaUrl(resource.getSchemaUrl());
      }
      scopes.values().forEach(resourceLogs::addScopeLogs);
      request.addResourceLogs(resourceLogs);
    });
    return request.build();
  }

  private static ScopeLogs.Builder scopeLogs(InstrumentationScopeInfo info) {
    InstrumentationScope.Builder scope = InstrumentationScope.newBuilder().setName(info.getName())
        .addAllAttributes(SpanDataConverter.attributes(info.getAttributes()));
    if (info.getVersion() != null) {
      scope.setVersion(info.getVersion());
    }
    return ScopeLogs.newBuilder().setScope(scope);
  }

  static LogRecord record(LogRecordData data) {
    LogRecord.Builder record = LogRecord.newBuilder()
        .setTimeUnixNano(data.getTimestampEpochNanos())
        .setObservedTimeUnixNano(data.getObservedTimestampEpochNanos())
        .setSeverityNumberValue(data.getSeverity().getSeverityNumber())
        .addAllAttributes(SpanDataConverter.attributes(data.getAttributes()))
        .setDroppedAttributesCount(Math.max(0, data.getTotalAttributeCount() - data.getAttributes().size()));
    if (data.getSeverityText() != null) {
      record.setSeverityText(data.getSeverityText());
    }
    Value<?> body = data.getBodyValue();
    if (body != null) {
      record.setBody(SpanDataConverter.fromValue(body));
    }
    String eventName = data.getEventName();
    if (eventName != null) {
      record.setEventName(eventName);
    }
    if (data.getSpanContext().isValid()) {
      record.setTraceId(ByteString.copyFrom(HEX.parseHex(data.getSpanContext().getTraceId())))
          .setSpanId(ByteString.copyFrom(HEX.parseHex(data.getSpanContext().getSpanId())))
          .setFlags(data.getSpanContext().getTraceFlags().asByte() & 0xff);
    }
    return record.build();
  }
}
