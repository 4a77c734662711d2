package io.tracebridge.cloudwatch.xray.translator;

import io.tracebridge.cloudwatch.internal.ContentAttributes;
import io.tracebridge.cloudwatch.xray.CauseData;
import io.tracebridge.cloudwatch.xray.ExceptionData;
import io.tracebridge.cloudwatch.xray.Segment;
import io.tracebridge.cloudwatch.xray.SegmentJson;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a segment document within X-Ray's 64 KB limit, which the collector never checks.
 *
 * <p>Metadata goes first, in three steps, each only while the document is still too large:
 *
 * <ol>
 *   <li>the longest string values anywhere in metadata (event content, large attributes) are cut
 *       to their first {@value #PREVIEW_CHARS} characters followed by {@code …[trimmed N bytes]};
 *   <li>whole metadata entries are removed, largest first;
 *   <li>exception stacks are removed from the cause (counted in {@code truncated}), then
 *       annotations.
 * </ol>
 *
 * A trimmed document says so in {@code metadata.tracebridge}: {@code {trimmed: true,
 * original_bytes, trimmed_paths}} (the first {@value #MAX_LISTED_PATHS} paths, as {@code
 * namespace/key/...}). The content-removed marker ({@link ContentAttributes#MARKER}) is never
 * removed; content itself was removed before translation when span content is off, so it never
 * counts against the limit. Pure; the segment passed in is not changed.
 */
final class SegmentTrimmer {
  /** X-Ray's segment document limit ("up to 64 kB"). */
  static final int MAX_DOCUMENT_BYTES = 64 * 1024;
  static final int PREVIEW_CHARS = 512;
  static final int MAX_LISTED_PATHS = 10;
  static final String MARKER_NAMESPACE = "tracebridge";
  /** Room left for the marker while trimming. */
  private static final int MARKER_RESERVE = 4 * 1024;

  record Result(Segment segment, String json, int bytes, boolean trimmed, int originalBytes) {}

  private SegmentTrimmer() {}

  static Result fit(Segment segment, int maxBytes) {
    String json = SegmentJson.write(segment);
    int original = utf8(json);
    if (original <= maxBytes) {
      return new Result(segment, json, original, false, original);
    }
    int budget = Math.max(maxBytes - MARKER_RESERVE, maxBytes / 2);
    Map<String, Object> metadata = copyMap(segment.metadata());
    List<String> paths = new ArrayList<>();
    int size = original;

    // 1. Shorten the longest strings, largest first.
    List<Leaf> leaves = new ArrayList<>();
    collect(metadata, "", leaves);
    leaves.sort(Comparator.comparingInt(Leaf::jsonBytes).reversed());
    for (Leaf leaf : leaves) {
      if (size <= budget) {
        break;
      }
      String text = leaf.text();
      if (text.codePointCount(0, text.length()) <= PREVIEW_CHARS) {
        break; // sorted: every later leaf is short too
      }
      String preview = text.substring(0, text.offsetByCodePoints(0, PREVIEW_CHARS))
          + "…[trimmed " + text.getBytes(StandardCharsets.UTF_8).length + " bytes]";
      leaf.replace(preview);
      size -= leaf.jsonBytes() - SegmentJson.utf8Size(preview);
      paths.add(leaf.path());
    }

    // 2. Remove whole entries, largest first.
    Segment current = segment.withMetadata(castMetadata(metadata));
    size = utf8(SegmentJson.write(current));
    if (size > budget) {
      List<String[]> entries = new ArrayList<>();
      for (Map.Entry<String, Object> ns : metadata.entrySet()) {
        for (String key : castMap(ns.getValue()).keySet()) {
          if (!ContentAttributes.MARKER.equals(key)) { // tiny, and says where the content went
            entries.add(new String[] {ns.getKey(), key});
          }
        }
      }
      entries.sort(Comparator.comparingInt((String[] e) -> SegmentJson.utf8Size(castMap(metadata.get(e[0])).get(e[1]))).reversed());
      for (String[] entry : entries) {
        if (size <= budget) {
          break;
        }
        castMap(metadata.get(entry[0])).remove(entry[1]);
        paths.add(entry[0] + "/" + entry[1]);
        current = segment.withMetadata(castMetadata(metadata));
        size = utf8(SegmentJson.write(current));
      }
    }

    // 3. Stacks, then annotations.
    if (size > budget && current.cause() != null) {
      List<ExceptionData> exceptions = current.cause().exceptions().stream().map(ExceptionData::withoutStack).toList();
      current = current.withAnnotationsAndCause(current.annotations(), new CauseData(exceptions));
      paths.add("cause/exceptions/*/stack");
      size = utf8(SegmentJson.write(current));
    }
    if (size > budget && !current.annotations().isEmpty()) {
      current = current.withAnnotationsAndCause(Map.of(), current.cause());
      paths.add("annotations");
    }

    Map<String, Object> marker = new LinkedHashMap<>();
    marker.put("trimmed", true);
    marker.put("original_bytes", original);
    marker.put("trimmed_paths", paths.subList(0, Math.min(paths.size(), MAX_LISTED_PATHS)).stream()
        .map(p -> p.length() > 200 ? p.substring(0, 200) : p)
        .toList());
    if (paths.size() > MAX_LISTED_PATHS) {
      marker.put("trimmed_paths_total", paths.size());
    }
    Map<String, Map<String, Object>> withMarker = current.mutableMetadata();
    withMarker.put(MARKER_NAMESPACE, marker);
    current = current.withMetadata(withMarker);
    String result = SegmentJson.write(current);
    return new Result(current, result, utf8(result), true, original);
  }

  private static int utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8).length;
  }

  /** A string somewhere in the metadata tree, with a way to replace it in place. */
  private record Leaf(Object container, Object key, String path, String text, int jsonBytes) {
    @SuppressWarnings("unchecked")
    void replace(String value) {
      if (container instanceof Map<?, ?> map) {
        ((Map<Object, Object>) map).put(key, value);
      } else {
        ((List<Object>) container).set((Integer) key, value);
      }
    }
  }

  private static void collect(Object node, String path, List<Leaf> leaves) {
    if (node instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String childPath = path.isEmpty() ? String.valueOf(e.getKey()) : path + "/" + e.getKey();
        if (e.getValue() instanceof String text) {
          leaves.add(new Leaf(map, e.getKey(), childPath, text, SegmentJson.utf8Size(text)));
        } else {
          collect(e.getValue(), childPath, leaves);
        }
      }
    } else if (node instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        String childPath = path + "/" + i;
        if (list.get(i) instanceof String text) {
          leaves.add(new Leaf(list, i, childPath, text, SegmentJson.utf8Size(text)));
        } else {
          collect(list.get(i), childPath, leaves);
        }
      }
    }
  }

  private static Map<String, Object> copyMap(Map<String, ?> map) {
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.put(k, copy(v)));
    return copy;
  }

  @SuppressWarnings("unchecked")
  private static Object copy(Object value) {
    if (value instanceof Map<?, ?> map) {
      return copyMap((Map<String, ?>) map);
    }
    if (value instanceof List<?> list) {
      List<Object> copy = new ArrayList<>(list.size());
      list.forEach(item -> copy.add(copy(item)));
      return copy;
    }
    return value;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object value) {
    return (Map<String, Object>) value;
  }

  private static Map<String, Map<String, Object>> castMetadata(Map<String, Object> metadata) {
    Map<String, Map<String, Object>> typed = new LinkedHashMap<>();
    metadata.forEach((ns, values) -> typed.put(ns, castMap(values)));
    return typed;
  }
}
