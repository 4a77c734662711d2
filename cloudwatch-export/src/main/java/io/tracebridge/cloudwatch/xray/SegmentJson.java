package io.tracebridge.cloudwatch.xray;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The production serialiser of segment documents and log events: compact JSON, decimals written
 * plainly (no exponent), UTF-8. The golden-file tests use the same mapper.
 */
public final class SegmentJson {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN).build();

  private SegmentJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  /** Compact JSON of {@code value}. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** UTF-8 size of the compact JSON of {@code value}. */
  public static int utf8Size(Object value) {
    return write(value).getBytes(StandardCharsets.UTF_8).length;
  }
}
