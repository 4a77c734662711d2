package io.tracebridge.mapper;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads OTLP/JSON test inputs (hex ids, exactly as a real OTLP/JSON producer sends them,
 * malformed ones included) with the production {@link OtlpJsonCodec}.
 */
public final class OtlpJson {
  private OtlpJson() {}

  public static ExportTraceServiceRequest read(Path file) {
    return OtlpJsonCodec.parseTraces(bytes(file));
  }

  public static ExportTraceServiceRequest parse(String otlpJson) {
    return OtlpJsonCodec.parseTraces(otlpJson.getBytes(StandardCharsets.UTF_8));
  }

  /** Reads an OTLP/JSON logs request (log records' traceId/spanId as hex). */
  public static ExportLogsServiceRequest readLogs(Path file) {
    return OtlpJsonCodec.parseLogs(bytes(file));
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
