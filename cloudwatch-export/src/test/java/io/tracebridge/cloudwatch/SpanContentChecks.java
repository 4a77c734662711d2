package io.tracebridge.cloudwatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator.SegmentDocument;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks of a translation without span content against the same translation with it, driven by
 * the content <em>values</em> of the fixture, not by the list of content keys, so that a key the
 * list misses fails here:
 *
 * <ul>
 *   <li>the known content strings (config {@code contentStrings}, plus every {@code SECRET-...}
 *       token of the input file) each appear in the documents with content, and none appears in
 *       the serialized documents without it;
 *   <li>document by document, the document without content equals the one with content once every
 *       annotation, {@code metadata.default} entry and event attribute holding a content string is
 *       taken out of the latter: ids, names, times, flags, cause, annotations (token counts
 *       included), non-content metadata and the events' names and times are unchanged;
 *   <li>{@code metadata.default["tracebridge.content.removed"] = true} is there exactly on the
 *       documents that lost something.
 * </ul>
 */
final class SpanContentChecks {
  static final String MARKER = "tracebridge.content.removed";
  private static final Pattern SECRET = Pattern.compile("SECRET-[A-Za-z0-9-]+");

  private SpanContentChecks() {}

  /** The case's known content strings: config {@code contentStrings} and the input's SECRET tokens. */
  static List<String> contentStrings(Path input, JsonNode config) {
    Set<String> strings = new LinkedHashSet<>();
    config.path("contentStrings").forEach(n -> strings.add(n.asText()));
    try {
      Matcher m = SECRET.matcher(Files.readString(input));
      while (m.find()) {
        strings.add(m.group());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.copyOf(strings);
  }

  static void verify(List<SegmentDocument> with, List<SegmentDocument> without, List<String> contentStrings,
      ObjectMapper json) throws IOException {
    assertThat(contentStrings).as("known content strings of the case").isNotEmpty();
    String allWith = String.join("\n", with.stream().map(SegmentDocument::json).toList());
    String allWithout = String.join("\n", without.stream().map(SegmentDocument::json).toList());
    for (String content : contentStrings) {
      String escaped = escaped(json, content);
      assertThat(allWith).as("with span content, X-Ray gets %s (else the check below proves nothing)", content)
          .contains(escaped);
      assertThat(allWithout).as("without span content, no document holds %s", content)
          .doesNotContain(escaped).doesNotContain(content);
    }

    assertThat(without).extracting(SegmentDocument::id).containsExactlyElementsOf(with.stream().map(SegmentDocument::id).toList());
    for (int i = 0; i < with.size(); i++) {
      ObjectNode expected = (ObjectNode) json.readTree(with.get(i).json());
      ObjectNode actual = (ObjectNode) json.readTree(without.get(i).json());
      String id = with.get(i).id();
      int removed = removeContent(expected, contentStrings);
      JsonNode defaults = actual.path("metadata").path("default");
      boolean marked = defaults.path(MARKER).asBoolean(false);
      assertThat(marked).as("document %s is marked exactly when content was removed", id).isEqualTo(removed > 0);
      if (defaults instanceof ObjectNode object) {
        object.remove(MARKER);
      }
      dropEmpty(actual);
      assertThat(actual.path("annotations")).as("annotations of %s (token counts, model, agent, tool, session)", id)
          .isEqualTo(expected.path("annotations"));
      assertThat(actual.path("metadata").path("default")).as("metadata.default of %s", id)
          .isEqualTo(expected.path("metadata").path("default"));
      assertThat(actual.path("metadata").path("otel")).as("metadata.otel of %s (events keep names and times)", id)
          .isEqualTo(expected.path("metadata").path("otel"));
      assertThat(actual).as("document %s apart from its content", id).isEqualTo(expected);
    }
  }

  /** Takes every annotation, default metadata entry and event attribute holding content out. */
  private static int removeContent(ObjectNode document, List<String> contentStrings) {
    int removed = 0;
    if (document.path("metadata") instanceof ObjectNode metadata) {
      metadata.remove("tracebridge"); // the trimming marker: content may have been what was trimmed
    }
    removed += removeHolding(document.path("annotations"), contentStrings);
    removed += removeHolding(document.path("metadata").path("default"), contentStrings);
    JsonNode events = document.path("metadata").path("otel").path("events");
    if (events instanceof ArrayNode list) {
      for (JsonNode event : list) {
        removed += removeHolding(event.path("attributes"), contentStrings);
      }
    }
    dropEmpty(document);
    return removed;
  }

  private static int removeHolding(JsonNode node, List<String> contentStrings) {
    if (!(node instanceof ObjectNode object)) {
      return 0;
    }
    int removed = 0;
    for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
      if (holds(it.next().getValue(), contentStrings)) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  private static boolean holds(JsonNode value, List<String> contentStrings) {
    if (value.isTextual()) {
      return contentStrings.stream().anyMatch(value.asText()::contains);
    }
    for (JsonNode child : value) {
      if (holds(child, contentStrings)) {
        return true;
      }
    }
    return false;
  }

  /** Empty annotations, metadata namespaces and event attributes are not written; drop them. */
  private static void dropEmpty(ObjectNode document) {
    if (document.path("metadata") instanceof ObjectNode metadata) {
      if (metadata.path("otel").path("events") instanceof ArrayNode events) {
        for (JsonNode event : events) {
          if (event.path("attributes").isEmpty() && event instanceof ObjectNode e) {
            e.remove("attributes");
          }
        }
      }
      List<String> empty = new ArrayList<>();
      metadata.fields().forEachRemaining(ns -> {
        if (ns.getValue().isEmpty()) {
          empty.add(ns.getKey());
        }
      });
      metadata.remove(empty);
      if (metadata.isEmpty()) {
        document.remove("metadata");
      }
    }
    if (document.path("annotations").isEmpty()) {
      document.remove("annotations");
    }
  }

  private static String escaped(ObjectMapper json, String text) {
    try {
      String quoted = json.writeValueAsString(text);
      return quoted.substring(1, quoted.length() - 1);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
