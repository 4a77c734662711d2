package io.tracebridge.cloudwatch;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.tracebridge.mapper.otlp.OtlpJsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads OTLP/JSON test inputs (hex ids, as real producers send them) with the shared codec. */
public final class OtlpJson {
  private OtlpJson() {}

  public static ExportTraceServiceRequest read(Path file) {
    try {
      return OtlpJsonCodec.parseTraces(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
