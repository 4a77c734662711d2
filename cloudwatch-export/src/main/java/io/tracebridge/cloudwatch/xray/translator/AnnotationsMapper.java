package io.tracebridge.cloudwatch.xray.translator;

import io.tracebridge.genai.GenAi;
import io.tracebridge.genai.OpenInference;
import io.tracebridge.genai.OpenLlmetry;
import io.tracebridge.genai.Strands;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.tracebridge.cloudwatch.internal.Attrs;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.annotation.Nullable;

/**
 * Annotations for what an engineer searches on, metadata for the rest.
 *
 * <p>An attribute becomes an <b>annotation</b> when its key is one of {@link #SEARCHABLE_KEYS}
 * (agent, model, tool, token counts, session, operation), is configured as indexed, or is named in
 * the span's string-array attribute {@code aws.xray.annotations} (the collector's convention), and
 * its value is a string, integer, double or boolean. Keys have every character outside {@code
 * [A-Za-z0-9]} replaced by {@code _}; string values are cut to {@value #MAX_VALUE_CHARS} characters
 * (the full value then also stays in metadata); at most {@value #MAX_ANNOTATIONS} per document, in
 * key priority order. Unlike the collector, an indexed attribute of another type is kept in
 * metadata rather than dropped.
 *
 * <p>Every other span attribute goes to {@code metadata.default.<key>} with its raw value;
 * resource attributes go to {@code metadata.default["otel.resource.<key>"]} on segments only.
 * {@code enduser.id} becomes {@code user}; {@code aws.xray.metadata.<ns>} holding a JSON object
 * becomes {@code metadata.<ns>}.
 */
final class AnnotationsMapper {
  static final int MAX_ANNOTATIONS = 50;
  static final int MAX_VALUE_CHARS = 1000;
  static final int MAX_KEY_CHARS = 500;
  static final String DEFAULT_NAMESPACE = "default";
  static final String ANNOTATIONS_ATTRIBUTE = "aws.xray.annotations";
  static final String METADATA_PREFIX = "aws.xray.metadata.";
  static final String USER_ATTRIBUTE = "enduser.id";

  /** Keys annotated by default, highest priority first. */
  static final List<String> SEARCHABLE_KEYS = List.of(
      GenAi.SESSION_ID,
      GenAi.CONVERSATION_ID,
      GenAi.AGENT_NAME,
      GenAi.AGENT_ID,
      GenAi.OPERATION_NAME,
      GenAi.REQUEST_MODEL,
      GenAi.RESPONSE_MODEL,
      GenAi.SYSTEM,
      GenAi.PROVIDER_NAME,
      GenAi.TOOL_NAME,
      GenAi.TOOL_CALL_ID,
      Strands.TOOL_STATUS,
      GenAi.USAGE_INPUT_TOKENS,
      GenAi.USAGE_OUTPUT_TOKENS,
      GenAi.USAGE_PROMPT_TOKENS,
      GenAi.USAGE_COMPLETION_TOKENS,
      GenAi.USAGE_TOTAL_TOKENS,
      Strands.USAGE_CACHE_READ_INPUT_TOKENS,
      Strands.USAGE_CACHE_WRITE_INPUT_TOKENS,
      GenAi.USAGE_CACHE_READ_INPUT_TOKENS,
      GenAi.USAGE_CACHE_CREATION_INPUT_TOKENS,
      OpenLlmetry.USAGE_REASONING_TOKENS,
      GenAi.USAGE_REASONING_OUTPUT_TOKENS,
      OpenInference.SPAN_KIND,
      OpenInference.AGENT_NAME,
      OpenInference.MODEL_NAME,
      OpenInference.PROVIDER,
      OpenInference.TOKENS_PROMPT,
      OpenInference.TOKENS_COMPLETION,
      OpenInference.TOKENS_TOTAL,
      OpenInference.TOOL_NAME);

  record Result(Map<String, Object> annotations, Map<String, Map<String, Object>> metadata, @Nullable String user) {}

  private AnnotationsMapper() {}

  static Result map(
      Map<String, AnyValue> spanAttributes,
      Map<String, AnyValue> resourceAttributes,
      boolean segment,
      List<String> configuredIndexedKeys) {
    Map<String, AnyValue> remaining = new LinkedHashMap<>(spanAttributes);
    Map<String, Map<String, Object>> metadata = new LinkedHashMap<>();
    Map<String, Object> defaults = new LinkedHashMap<>();

    String user = null;
    AnyValue enduser = remaining.remove(USER_ATTRIBUTE);
    if (enduser != null) {
      user = Attrs.string(Map.of(USER_ATTRIBUTE, enduser), USER_ATTRIBUTE).orElse(null);
    }

    Set<String> indexed = new LinkedHashSet<>(SEARCHABLE_KEYS);
    indexed.addAll(configuredIndexedKeys);
    AnyValue listed = remaining.remove(ANNOTATIONS_ATTRIBUTE);
    if (listed != null && listed.hasArrayValue()) {
      listed.getArrayValue().getValuesList().stream()
          .filter(AnyValue::hasStringValue)
          .forEach(v -> indexed.add(v.getStringValue()));
    }

    for (String key : new ArrayList<>(remaining.keySet())) {
      if (key.startsWith(METADATA_PREFIX) && key.length() > METADATA_PREFIX.length()) {
        Map<String, Object> parsed = jsonObject(remaining.get(key));
        if (parsed != null) {
          remaining.remove(key);
          String namespace = key.substring(METADATA_PREFIX.length());
          metadata.computeIfAbsent(namespace, ns -> new LinkedHashMap<>()).putAll(parsed);
        }
      }
    }

    Map<String, Object> annotations = new LinkedHashMap<>();
    for (String key : indexed) {
      AnyValue value = remaining.get(key);
      if (value == null || annotations.size() >= MAX_ANNOTATIONS) {
        continue;
      }
      Object annotation = annotationValue(value);
      if (annotation == null) {
        continue; // not a scalar: stays in metadata
      }
      remaining.remove(key);
      if (annotation instanceof String text && text.codePointCount(0, text.length()) > MAX_VALUE_CHARS) {
        annotation = text.substring(0, text.offsetByCodePoints(0, MAX_VALUE_CHARS));
        defaults.put(key, text);
      }
      annotations.put(sanitizeKey(key), annotation);
    }

    remaining.forEach((key, value) -> defaults.put(key, Attrs.toJava(value)));
    if (segment) {
      resourceAttributes.forEach((key, value) -> defaults.put("otel.resource." + key, Attrs.toJava(value)));
    }
    if (!defaults.isEmpty()) {
      metadata.computeIfAbsent(DEFAULT_NAMESPACE, ns -> new LinkedHashMap<>()).putAll(defaults);
    }
    return new Result(annotations, metadata, user);
  }

  /** An annotation key: every character outside {@code [A-Za-z0-9]} becomes {@code _}. */
  static String sanitizeKey(String key) {
    String sanitized = key.replaceAll("[^A-Za-z0-9]", "_");
    return sanitized.length() > MAX_KEY_CHARS ? sanitized.substring(0, MAX_KEY_CHARS) : sanitized;
  }

  @Nullable
  private static Object annotationValue(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      default:
        return null;
    }
  }

  @Nullable
  private static Map<String, Object> jsonObject(AnyValue value) {
    if (!value.hasStringValue() || !value.getStringValue().strip().startsWith("{")) {
      return null;
    }
    try {
      return SegmentJson.mapper().readValue(value.getStringValue(), new TypeReference<Map<String, Object>>() {});
    } catch (JsonProcessingException e) {
      return null;
    }
  }
}
