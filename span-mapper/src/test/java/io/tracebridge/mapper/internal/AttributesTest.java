package io.tracebridge.mapper.internal;

import static io.tracebridge.mapper.OtlpFixtures.kv;
import static io.tracebridge.mapper.internal.AttributeKey.longKey;
import static io.tracebridge.mapper.internal.AttributeKey.stringKey;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttributesTest {
  private final Views views = new Views();

  @Test
  void readsScalarsAsText() {
    Attributes a = views.attributes(kv("s", "text"), kv("i", 42), kv("d", 0.5), kv("b", true));

    assertThat(a.get(stringKey("s"))).isEqualTo("text");
    assertThat(a.get(stringKey("i"))).isEqualTo("42");
    assertThat(a.get(stringKey("d"))).isEqualTo("0.5");
    assertThat(a.get(stringKey("b"))).isEqualTo("true");
    assertThat(a.get(stringKey("missing"))).isNull();
  }

  @Test
  void blankTextIsAbsentButPresent() {
    Attributes a = views.attributes(kv("model.name", ""));

    assertThat(a.get(stringKey("model.name"))).isNull();
    assertThat(a.contains(stringKey("model.name"))).isTrue();
  }

  @Test
  void readsCountsFromIntsWholeDoublesAndNumericStrings() {
    Attributes a = views.attributes(kv("i", 7), kv("d", 8.0), kv("s", " 9 "), kv("sd", "10.0"));

    assertThat(a.get(longKey("i"))).isEqualTo(7L);
    assertThat(a.get(longKey("d"))).isEqualTo(8L);
    assertThat(a.get(longKey("s"))).isEqualTo(9L);
    assertThat(a.get(longKey("sd"))).isEqualTo(10L);
    assertThat(views.issues).isEmpty();
  }

  @Test
  void oddCountsAreAbsentAndReportedWithoutTheirValue() {
    Attributes a = views.attributes(kv("neg", -1), kv("frac", 1.5), kv("word", "secret prompt"));

    assertThat(a.get(longKey("neg"))).isNull();
    assertThat(a.get(longKey("frac"))).isNull();
    assertThat(a.get(longKey("word"))).isNull();
    assertThat(views.issues).hasSize(3).noneMatch(issue -> issue.contains("secret"))
        .contains("attribute 'word' is not a non-negative whole number; ignored");
  }

  @Test
  void spanCopiesReadThePrefixedKeys() {
    Attributes a = views.attributes(kv("gen_ai.agent.name", "event"),
        kv("span.gen_ai.agent.name", "copy"));

    assertThat(a.get(GenAiAttributes.AGENT_NAME)).isEqualTo("event");
    assertThat(a.spanCopies().get(GenAiAttributes.AGENT_NAME)).isEqualTo("copy");
  }

  @Test
  void firstTakesTheFirstPresentKeyThenSource() {
    Attributes a = views.attributes(kv("b", "B"));
    Attributes c = views.attributes(kv("a", "A2"));

    assertThat(a.first(stringKey("a"), stringKey("b"))).isEqualTo("B");
    assertThat(Attributes.firstIn(stringKey("a"), a, c)).isEqualTo("A2");
  }

  @Test
  void aRepeatedKeyKeepsItsLastValue() {
    assertThat(views.attributes(kv("k", "one"), kv("k", "two")).get(stringKey("k")))
        .isEqualTo("two");
  }
}
