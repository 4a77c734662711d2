package io.tracebridge.cloudwatch.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Makes a JSON log event fit a byte limit while keeping its shape: the longest strings under the
 * given subtrees are cut, each just as much as needed (no fixed preview length), and each cut
 * string ends with {@code …[truncated N bytes]}, N being that string's original UTF-8 size. Gives
 * up after {@value #MAX_CUTS} cuts (the batcher then cuts the raw message as a last resort).
 */
final class JsonFit {
  static final int MAX_CUTS = 256;
  /** Strings shorter than this are not worth cutting. */
  static final int MIN_CUT_BYTES = 32;

  private JsonFit() {}

  /**
   * Cuts strings under {@code roots} (subtrees of {@code whole}) until {@code whole} serialises
   * to at most {@code maxBytes} UTF-8 bytes.
   *
   * @return the serialised result (which may still be too large if nothing more could be cut)
   */
  static String fit(ObjectNode whole, List<JsonNode> roots, int maxBytes) {
    String json = SegmentJson.write(whole);
    int size = utf8(json);
    Map<Slot, Integer> originals = new HashMap<>();
    for (int cut = 0; cut < MAX_CUTS && size > maxBytes; cut++) {
      Slot largest = null;
      int largestBytes = MIN_CUT_BYTES - 1;
      for (JsonNode root : roots) {
        Slot found = largest(root, null, null, -1);
        if (found != null && utf8(found.text()) > largestBytes) {
          largest = found;
          largestBytes = utf8(found.text());
        }
      }
      if (largest == null) {
        break;
      }
      String text = largest.text();
      int original = originals.getOrDefault(largest, utf8(text));
      String base = stripMarker(text);
      String marker = "…[truncated " + original + " bytes]";
      int keep = Math.max(0, utf8(base) - (size - maxBytes) - utf8(marker));
      String cutText = prefix(base, keep) + marker;
      largest.set(cutText);
      originals.put(largest, original);
      json = SegmentJson.write(whole);
      size = utf8(json);
    }
    return json;
  }

  private static String stripMarker(String text) {
    int at = text.lastIndexOf("…[truncated ");
    return at >= 0 && text.endsWith(" bytes]") ? text.substring(0, at) : text;
  }

  /** The longest string leaf under {@code node}, with where it sits. */
  private static Slot largest(JsonNode node, JsonNode parent, String field, int index) {
    if (node.isTextual()) {
      return parent == null ? null : new Slot(parent, field, index, node.asText());
    }
    Slot best = null;
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        best = longer(best, largest(e.getValue(), node, e.getKey(), -1));
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        best = longer(best, largest(node.get(i), node, null, i));
      }
    }
    return best;
  }

  private static Slot longer(Slot a, Slot b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return utf8(b.text()) > utf8(a.text()) ? b : a;
  }

  static int utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The longest prefix of {@code s} of at most {@code bytes} UTF-8 bytes, on a code point boundary. */
  static String prefix(String s, int bytes) {
    int used = 0;
    int i = 0;
    while (i < s.length()) {
      int cp = s.codePointAt(i);
      int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      if (used + size > bytes) {
        break;
      }
      used += size;
      i += Character.charCount(cp);
    }
    return s.substring(0, i);
  }

  /** A string's place: a field of an object or an element of an array (identity of the container). */
  private record Slot(JsonNode container, String field, int index, String text) {
    void set(String value) {
      if (container instanceof ObjectNode object) {
        object.set(field, TextNode.valueOf(value));
      } else if (container instanceof ArrayNode array) {
        array.set(index, TextNode.valueOf(value));
      }
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Slot other && other.container == container && java.util.Objects.equals(other.field, field)
          && other.index == index;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(container) * 31 + java.util.Objects.hashCode(field) * 17 + index;
    }
  }
}
