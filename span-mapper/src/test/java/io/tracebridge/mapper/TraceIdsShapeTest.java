package io.tracebridge.mapper;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link TraceIds#toW3c} checks the id's shape by hand (a regex there was a fifth of ingest CPU):
 * it must accept and give exactly what the regex definition does, on valid ids of both forms and
 * on every kind of near miss (one character replaced by hex of the other case, non-hex, a dash,
 * whitespace or non-ASCII; one character removed or added; the forms' separators moved).
 */
class TraceIdsShapeTest {
  private static final Pattern W3C = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern XRAY = Pattern.compile("1-([0-9a-f]{8})-([0-9a-f]{24})");
  private static final String ALPHABET = "0123456789abcdefABCDEFgG-1 \t\u0130\u00e9z";

  /** The regex definition: the W3C form, or null where toW3c must throw. */
  private static String byRegex(String traceId) {
    String id = traceId.trim().toLowerCase(Locale.ROOT);
    Matcher xray = XRAY.matcher(id);
    String w3c = xray.matches() ? xray.group(1) + xray.group(2)
        : W3C.matcher(id).matches() ? id : null;
    return "00000000000000000000000000000000".equals(w3c) ? null : w3c;
  }

  private static String byTraceIds(String id) {
    try {
      return TraceIds.toW3c(id);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Test
  void handWrittenShapeCheckAgreesWithTheRegexDefinition() {
    Random random = new Random(7);
    List<String> ids = new ArrayList<>(List.of("", " ", "1-", "1--", "00000000000000000000000000000000",
        "1-00000000-000000000000000000000000"));
    int valid = 0;
    for (int n = 0; n < 5_000; n++) {
      StringBuilder hex = new StringBuilder();
      for (int i = 0; i < 32; i++) {
        hex.append("0123456789abcdef".charAt(random.nextInt(16)));
      }
      String w3c = hex.toString();
      String xray = "1-" + w3c.substring(0, 8) + "-" + w3c.substring(8);
      for (String base : List.of(w3c, xray, w3c.toUpperCase(Locale.ROOT), " " + xray + "\n")) {
        ids.add(base);
        StringBuilder b = new StringBuilder(base);
        int at = random.nextInt(b.length());
        switch (random.nextInt(3)) {
          case 0 -> b.setCharAt(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
          case 1 -> b.deleteCharAt(at);
          default -> b.insert(at, ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        ids.add(b.toString());
      }
    }
    List<String> disagreements = new ArrayList<>();
    for (String id : ids) {
      String expected = byRegex(id);
      String xray = expected == null ? null
          : "1-" + expected.substring(0, 8) + "-" + expected.substring(8);
      if (!java.util.Objects.equals(byTraceIds(id), expected) || TraceIds.isValid(id) != (expected != null)
          || (xray != null && !TraceIds.toXray(id).equals(xray))) {
        disagreements.add(id);
      } else if (expected != null) {
        valid++;
      }
    }
    assertThat(disagreements).isEmpty();
    // Both outcomes well represented, so the comparison means something.
    assertThat(valid).isGreaterThan(20_000);
    assertThat(ids.size() - valid).isGreaterThan(10_000);
  }
}
