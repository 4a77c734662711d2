package io.tracebridge.cloudwatch.logs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Makes a JSON log event fit a byte limit while keeping its shape: the longest strings under the
 * given subtrees are cut, each just as much as needed (no fixed preview length), and each cut
 * string ends with {@code …[truncated N bytes]}, N being that string's original UTF-8 size. If
 * that is not enough (the rest of the event alone is too large), the batcher cuts the raw message
 * as a last resort.
 */
final class JsonFit {
  /** Strings shorter than this are not worth cutting. */
  static final int MIN_CUT_BYTES = 32;

  private JsonFit() {}

  /**
   * Cuts strings under {@code roots} (subtrees of {@code whole}) until {@code whole} serialises
   * to at most {@code maxBytes} UTF-8 bytes. The cut is a water level: every string longer than
   * one cap is cut to that cap, the highest cap that frees enough bytes, so the longest strings
   * lose the most and short ones nothing; one serialisation checks it (two or three at most).
   *
   * @return the serialised result (which may still be too large if nothing more could be cut)
   */
  static String fit(ObjectNode whole, List<JsonNode> roots, int maxBytes) {
    String json = SegmentJson.write(whole);
    int size = utf8(json);
    List<Slot> slots = new java.util.ArrayList<>();
    for (JsonNode root : roots) {
      collect(root, null, null, -1, slots);
    }
    int[] original = new int[slots.size()];
    for (int i = 0; i < original.length; i++) {
      original[i] = utf8(slots.get(i).text());
    }
    for (int pass = 0; pass < 4 && size > maxBytes && !slots.isEmpty(); pass++) {
      int excess = size - maxBytes;
      int[] current = new int[slots.size()];
      int highest = 0;
      for (int i = 0; i < current.length; i++) {
        current[i] = utf8(stripMarker(slots.get(i).text()));
        highest = Math.max(highest, current[i]);
      }
      // The highest cap whose cuts free at least the excess (binary search: freed bytes fall as the cap rises).
      int low = 0;
      int high = highest;
      if (freed(slots, current, original, low) < excess) {
        high = 0; // even cutting everything is not enough: cut everything, the batcher does the rest
      } else {
        while (low < high) {
          int mid = (low + high + 1) >>> 1;
          if (freed(slots, current, original, mid) >= excess) {
            low = mid;
          } else {
            high = mid - 1;
          }
        }
        high = low;
      }
      boolean changed = false;
      for (int i = 0; i < slots.size(); i++) {
        if (current[i] > high + utf8(marker(original[i]))) {
          Slot slot = slots.get(i);
          slot.set(prefix(stripMarker(slot.text()), high) + marker(original[i]));
          slots.set(i, slot.withText(slot.container().isObject()
              ? slot.container().get(slot.field()).asText() : slot.container().get(slot.index()).asText()));
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
      json = SegmentJson.write(whole);
      size = utf8(json);
    }
    return json;
  }

  private static String marker(int originalBytes) {
    return "…[truncated " + originalBytes + " bytes]";
  }

  /** Bytes freed by cutting every string over {@code cap} to {@code cap} plus its marker. */
  private static long freed(List<Slot> slots, int[] current, int[] original, int cap) {
    long freed = 0;
    for (int i = 0; i < current.length; i++) {
      int markerBytes = utf8(marker(original[i]));
      if (current[i] > cap + markerBytes) {
        freed += current[i] - cap - markerBytes;
      }
    }
    return freed;
  }

  /** Every string leaf under {@code node} (not {@code node} itself), in document order. */
  private static void collect(JsonNode node, JsonNode parent, String field, int index, List<Slot> into) {
    if (node.isTextual()) {
      if (parent != null && utf8(node.asText()) >= MIN_CUT_BYTES) {
        into.add(new Slot(parent, field, index, node.asText()));
      }
      return;
    }
    if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        collect(e.getValue(), node, e.getKey(), -1, into);
      }
    } else if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        collect(node.get(i), node, null, i, into);
      }
    }
  }

  private static String stripMarker(String text) {
    int at = text.lastIndexOf("…[truncated ");
    return at >= 0 && text.endsWith(" bytes]") ? text.substring(0, at) : text;
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

    Slot withText(String value) {
      return new Slot(container, field, index, value);
    }
  }
}
