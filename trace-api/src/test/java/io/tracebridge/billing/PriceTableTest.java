package io.tracebridge.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.Usage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PriceTableTest {
  private final PriceTable bundled = PriceTable.bundled();

  @Test
  void eachTokenKindIsPricedOnceOnInputThatIncludesTheCache() {
    // 10,000 input tokens of which 6,000 were read from the cache and 1,000 written to it;
    // 2,000 output tokens of which 500 reasoning. Claude Sonnet 4.5: $3 in, $15 out,
    // $0.30 cache read, $3.75 cache write (5 min) per million.
    Usage usage = new Usage(10_000, 2_000, 6_000, 1_000, 500);

    BigDecimal cost = bundled.cost("us.anthropic.claude-sonnet-4-5-20250929-v1:0", usage).orElseThrow();

    // 3,000 uncached × 3 + 6,000 × 0.30 + 1,000 × 3.75 + 2,000 × 15 = 44,550 micro-dollars
    assertThat(cost).isEqualByComparingTo("0.044550");
  }

  @Test
  void cacheWritesAreNoLongerPricedTwice() {
    Usage writesOnly = new Usage(1_000, 0, 0, 400, 0);
    // 600 uncached × 3 + 400 × 3.75 (before: 1,000 × 3 + 400 × 3.75 = 0.0045)
    assertThat(bundled.cost("claude-sonnet-4-5", writesOnly)).hasValueSatisfying(
        c -> assertThat(c).isEqualByComparingTo("0.003300"));
  }

  @Test
  void reasoningIsPricedAsOutputUnlessTheEntryHasAReasoningPrice(@TempDir Path dir) throws Exception {
    Usage usage = new Usage(1_000, 300, 0, 0, 100);
    assertThat(bundled.cost("gpt-5-mini-2025-08-07", usage)).hasValueSatisfying(
        c -> assertThat(c).isEqualByComparingTo("0.000850")); // 1,000 × 0.25 + 300 × 2
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"pricesAsOf": "2026-12-01", "models": {
          "x-reasoner": {"input": 1, "output": 10, "reasoning": 20}}}""");
    PriceTable own = PriceTable.fromFile(file);
    // 1,000 × 1 + (300 − 100) × 10 + 100 × 20
    assertThat(own.cost("x-reasoner", usage)).hasValueSatisfying(
        c -> assertThat(c).isEqualByComparingTo("0.005000"));
    // No cache prices in the entry: cache tokens cost what input does, never nothing.
    assertThat(own.cost("x-reasoner", new Usage(1_000, 0, 500, 200, 0))).hasValueSatisfying(
        c -> assertThat(c).isEqualByComparingTo("0.001000"));
    assertThat(own.pricesAsOf()).isEqualTo("2026-12-01");
  }

  @ParameterizedTest(name = "{0} is priced as {1}")
  @CsvSource({
      "us.anthropic.claude-sonnet-4-5-20250929-v1:0, claude-sonnet-4-5",
      "global.anthropic.claude-haiku-4-5-20251001-v1:0, claude-haiku-4-5",
      "anthropic.claude-opus-4-1-20250805-v1:0, claude-opus-4-1",
      "eu.anthropic.claude-3-7-sonnet-20250219-v1:0, claude-3-7-sonnet",
      "claude-sonnet-4-20250514, claude-sonnet-4",
      "claude-opus-4-5@20251101, claude-opus-4-5",
      "anthropic/claude-sonnet-4.5, claude-sonnet-4-5",
      "claude-sonnet-5-5, claude-sonnet-5-5",
      "gpt-5.1-2025-11-13, gpt-5.1",
      "gpt-4o-2024-08-06, gpt-4o",
      "o4-mini, o4-mini",
      "models/gemini-2.5-flash, gemini-2.5-flash",
      "gemini-3-pro-preview, gemini-3-pro"})
  void modelIdsOfEveryFormMatchTheirEntry(String id, String entry) {
    assertThat(bundled.priceOf(id)).isPresent().isEqualTo(bundled.priceOf(entry));
  }

  @Test
  void anUnknownMinorVersionIsNotPricedAsItsMajor() {
    assertThat(bundled.priceOf("gpt-5.5")).isEmpty();
    assertThat(bundled.priceOf("gpt-50")).isEmpty();
    // Opus 4.5 costs a third of Opus 4: the longer entry wins over the one it starts with.
    assertThat(bundled.priceOf("claude-opus-4-5-20251101").orElseThrow().input()).isEqualByComparingTo("5");
    assertThat(bundled.priceOf("claude-opus-4-20250514").orElseThrow().input()).isEqualByComparingTo("15");
    assertThat(bundled.cost("unknown-model", Usage.of(1, 1))).isEmpty();
  }

  @Test
  void theBundledTableSaysWhenAndWhereItsPricesComeFrom() throws Exception {
    assertThat(bundled.pricesAsOf()).isEqualTo("2026-12-03");
    try (var in = PriceTable.class.getResourceAsStream("prices.json")) {
      var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
      assertThat(root.path("sources").path("anthropic").asText()).contains("platform.claude.com");
      assertThat(root.path("sources").path("openai").asText()).isNotBlank();
      assertThat(root.path("sources").path("google").asText()).isNotBlank();
      assertThat(root.path("unconfirmed")).isNotEmpty();
    }
  }

  @Test
  void aBadPriceFileIsRefusedNamingTheModelAndField(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"models\": {\"m\": {\"input\": 1, \"output\": -2}}}");
    assertThatThrownBy(() -> PriceTable.fromFile(file))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'m'").hasMessageContaining("output");
  }
}
