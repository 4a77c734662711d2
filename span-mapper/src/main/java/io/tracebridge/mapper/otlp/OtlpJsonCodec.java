package io.tracebridge.mapper.otlp;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The OTLP/JSON encoding (opentelemetry-proto, "JSON Protobuf Encoding") over protobuf's {@link
 * JsonFormat}.
 *
 * <p>OTLP/JSON is the proto3 JSON mapping with one difference: {@code traceId}, {@code spanId}
 * and {@code parentSpanId} (spans, span links, log records) are hex strings, where proto3 JSON
 * writes every {@code bytes} field as base64. Before parsing, those fields are rewritten from hex
 * to base64 wherever they occur, under their lowerCamelCase or their original snake_case names
 * (both are accepted, as the spec requires); other {@code bytes} fields ({@code
 * AnyValue.bytesValue}) stay base64. Unknown fields are ignored (the spec requires that too);
 * enums may be numbers or names; 64-bit integers strings or numbers. An id of the wrong length
 * stays wrong after the rewrite and is rejected per span by the mapper (partial success); an id
 * that is not hex at all makes the request undecodable. Pure (no I/O), stateless and thread-safe.
 */
public final class OtlpJsonCodec {
  private static final Set<String> ID_FIELDS =
      Set.of("traceId", "spanId", "parentSpanId", "trace_id", "span_id", "parent_span_id");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private OtlpJsonCodec() {}

  /**
   * Parses OTLP/JSON {@code body} (UTF-8) into {@code into}.
   *
   * @throws IllegalArgumentException naming what was wrong, when the body is not OTLP/JSON
   */
  public static <B extends Message.Builder> B merge(byte[] body, B into) {
    JsonNode tree;
    try {
      tree = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("body is not valid JSON: " + firstLine(e.getMessage()), e);
    }
    if (tree == null || !tree.isObject()) {
      throw new IllegalArgumentException("body is not a JSON object");
    }
    hexIdsToBase64(tree);
    try {
      PARSER.merge(JSON.writeValueAsString(tree), into);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("body is not OTLP/JSON "
          + into.getDescriptorForType().getName() + ": " + firstLine(e.getMessage()), e);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("re-serialising a parsed tree failed", e);
    }
    return into;
  }

  /** An OTLP/JSON traces request. @throws IllegalArgumentException as {@link #merge}. */
  public static ExportTraceServiceRequest parseTraces(byte[] body) {
    return merge(body, ExportTraceServiceRequest.newBuilder()).build();
  }

  /** An OTLP/JSON logs request. @throws IllegalArgumentException as {@link #merge}. */
  public static ExportLogsServiceRequest parseLogs(byte[] body) {
    return merge(body, ExportLogsServiceRequest.newBuilder()).build();
  }

  /** {@code message} as compact proto3 JSON (replies carry no ids, so no hex rewrite). */
  public static String print(MessageOrBuilder message) {
    try {
      return PRINTER.print(message);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("cannot print " + message.getClass().getSimpleName(), e);
    }
  }

  private static void hexIdsToBase64(JsonNode node) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        JsonNode value = object.get(name);
        if (ID_FIELDS.contains(name) && value.isTextual()) {
          object.put(name, Base64.getEncoder().encodeToString(parseHex(name, value.asText())));
        } else if (value.isContainerNode()) {
          hexIdsToBase64(value);
        }
      }
    } else if (node.isArray()) {
      node.forEach(OtlpJsonCodec::hexIdsToBase64);
    }
  }

  private static byte[] parseHex(String field, String hex) {
    try {
      return HexFormat.of().parseHex(hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          field + " must be a hex string (OTLP/JSON), was " + abbreviate(hex), e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 40 ? "\"" + s + "\"" : "\"" + s.substring(0, 40) + "...\"";
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
