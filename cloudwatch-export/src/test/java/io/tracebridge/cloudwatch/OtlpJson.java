package io.tracebridge.cloudwatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Reads OTLP/JSON test inputs (a copy of span-mapper's test helper) into {@link ExportTraceServiceRequest}s.
 *
 * <p>The OTLP/JSON encoding (opentelemetry-proto, "JSON Protobuf Encoding") writes {@code
 * traceId}, {@code spanId} and {@code parentSpanId} as hex strings, while protobuf's {@link
 * JsonFormat} reads every {@code bytes} field as base64. So before parsing, this helper rewrites
 * those three fields, wherever they occur (spans, links), from hex to base64. Everything else is
 * standard protobuf JSON: lowerCamelCase names, 64-bit integers as strings or numbers, enums as
 * numbers. Test data may therefore use hex ids exactly as a real OTLP/JSON producer sends them,
 * including malformed ones (wrong length, all zeros), which stay malformed after the rewrite.
 */
public final class OtlpJson {
  private static final Set<String> ID_FIELDS = Set.of("traceId", "spanId", "parentSpanId");
  private static final ObjectMapper JSON = new ObjectMapper();

  private OtlpJson() {}

  public static ExportTraceServiceRequest read(Path file) {
    try {
      return parse(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ExportTraceServiceRequest parse(String otlpJson) {
    ExportTraceServiceRequest.Builder request = ExportTraceServiceRequest.newBuilder();
    merge(otlpJson, request);
    return request.build();
  }

  /** Reads an OTLP/JSON logs request (log records' traceId/spanId as hex). */
  public static ExportLogsServiceRequest readLogs(Path file) {
    try {
      ExportLogsServiceRequest.Builder request = ExportLogsServiceRequest.newBuilder();
      merge(Files.readString(file), request);
      return request.build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(String otlpJson, com.google.protobuf.Message.Builder request) {
    try {
      JsonNode tree = JSON.readTree(otlpJson);
      hexIdsToBase64(tree);
      JsonFormat.parser().ignoringUnknownFields().merge(JSON.writeValueAsString(tree), request);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not OTLP/JSON: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (ID_FIELDS.contains(name) && value.isTextual()) {
          byte[] id = HexFormat.of().parseHex(value.asText());
          object.put(name, Base64.getEncoder().encodeToString(id));
        } else {
          hexIdsToBase64(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(OtlpJson::hexIdsToBase64);
    }
  }
}
