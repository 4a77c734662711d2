package io.tracebridge.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tracebridge.mapper.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Per-token prices by model, and the cost of a {@link Usage}.
 *
 * <p>The table that ships ({@link #bundled()}, resource {@code prices.json}) holds the public list
 * prices of common Bedrock, OpenAI and Gemini models as of {@link #pricesAsOf()}; {@link
 * #fromFile(Path)} reads the same format to override it. A model id matches the longest entry
 * that is a prefix of it after normalising: lower case, without a Bedrock cross-region prefix
 * ({@code us.}, {@code eu.}, {@code apac.}, {@code global.}), without a path ({@code models/},
 * {@code openai/}) and without a version suffix ({@code :0}). So {@code
 * us.anthropic.claude-3-5-sonnet-20241022-v2:0} is priced as {@code anthropic.claude-3-5-sonnet}.
 *
 * <p>Cost of a usage, per {@link Usage}'s definitions: input tokens include cache reads, so the
 * uncached input is {@code input − cacheRead} at the input price; cache reads and cache writes at
 * their prices; output at the output price. Reasoning tokens are part of the output tokens (as
 * OpenAI and the GenAI conventions report them): shown apart, not priced twice. Immutable.
 */
public final class PriceTable {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final Pattern REGION_PREFIX = Pattern.compile("^(us|eu|apac|ap|ca|jp|au|us-gov|global)\\.");
  private static final Pattern VERSION_SUFFIX = Pattern.compile(":\\d+$");

  /** Prices per million tokens. */
  public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {}

  private final String pricesAsOf;
  private final String currency;
  private final TreeMap<String, ModelPrice> prices;

  private PriceTable(String pricesAsOf, String currency, Map<String, ModelPrice> prices) {
    this.pricesAsOf = pricesAsOf;
    this.currency = currency;
    this.prices = new TreeMap<>(prices);
  }

  /** The table that ships with TraceBridge. */
  public static PriceTable bundled() {
    try (InputStream in = PriceTable.class.getResourceAsStream("prices.json")) {
      if (in == null) {
        throw new IllegalStateException("prices.json is missing from the trace-api jar");
      }
      return parse(new ObjectMapper().readTree(in), "bundled prices.json");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read the bundled prices.json", e);
    }
  }

  /**
   * A table read from {@code file} (the format of the bundled {@code prices.json}).
   *
   * @throws IllegalArgumentException naming the file and the problem
   */
  public static PriceTable fromFile(Path file) {
    try {
      return parse(new ObjectMapper().readTree(Files.readString(file)), "price file " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("price file " + file + ": " + e.getMessage(), e);
    }
  }

  private static PriceTable parse(JsonNode root, String source) {
    JsonNode models = root.path("models");
    if (!models.isObject() || models.isEmpty()) {
      throw new IllegalArgumentException(source + ": needs a non-empty object \"models\"");
    }
    Map<String, ModelPrice> prices = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = models.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode p = e.getValue();
      prices.put(
          normalise(e.getKey()),
          new ModelPrice(
              price(p, "input", source, e.getKey()), price(p, "output", source, e.getKey()),
              optionalPrice(p, "cacheRead", source, e.getKey()),
              optionalPrice(p, "cacheWrite", source, e.getKey())));
    }
    return new PriceTable(root.path("pricesAsOf").asText("unknown"), root.path("currency").asText("USD"), prices);
  }

  private static BigDecimal price(JsonNode p, String field, String source, String model) {
    JsonNode v = p.get(field);
    if (v == null || !v.isNumber() || v.decimalValue().signum() < 0) {
      throw new IllegalArgumentException(
          source + ": model '" + model + "' needs a non-negative number \"" + field + "\"");
    }
    return v.decimalValue();
  }

  private static BigDecimal optionalPrice(JsonNode p, String field, String source, String model) {
    return p.has(field) ? price(p, field, source, model) : BigDecimal.ZERO;
  }

  /** The date the prices were taken, as the table says. */
  public String pricesAsOf() {
    return pricesAsOf;
  }

  public String currency() {
    return currency;
  }

  /** The price of {@code model}, if the table knows it. */
  public Optional<ModelPrice> priceOf(String model) {
    String id = normalise(model);
    String best = null;
    for (String key : prices.keySet()) {
      if (id.startsWith(key) && (best == null || key.length() > best.length())) {
        best = key;
      }
    }
    return Optional.ofNullable(best).map(prices::get);
  }

  /** The cost of {@code usage} on {@code model}, rounded to 6 decimals; empty if not priced. */
  public Optional<BigDecimal> cost(String model, Usage usage) {
    return priceOf(model).map(p -> {
      long uncached = Math.max(0, usage.inputTokens() - usage.cacheReadTokens());
      BigDecimal micro =
          p.input().multiply(BigDecimal.valueOf(uncached))
              .add(p.cacheRead().multiply(BigDecimal.valueOf(usage.cacheReadTokens())))
              .add(p.cacheWrite().multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
              .add(p.output().multiply(BigDecimal.valueOf(usage.outputTokens())));
      return micro.divide(MILLION, 6, RoundingMode.HALF_UP);
    });
  }

  static String normalise(String model) {
    String id = model.trim().toLowerCase(Locale.ROOT);
    int slash = id.lastIndexOf('/');
    if (slash >= 0) {
      id = id.substring(slash + 1);
    }
    id = REGION_PREFIX.matcher(id).replaceFirst("");
    return VERSION_SUFFIX.matcher(id).replaceFirst("");
  }

  @Override
  public String toString() {
    return "PriceTable{pricesAsOf=" + pricesAsOf + ", models=" + prices.size() + "}";
  }
}
