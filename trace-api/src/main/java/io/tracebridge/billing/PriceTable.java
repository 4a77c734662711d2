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
 * prices of Anthropic (API and Bedrock ids), OpenAI, Google Gemini, and a few other Bedrock models
 * as of {@link #pricesAsOf()}, with its sources in the file; {@link #fromFile(Path)} reads the
 * same format to override it. A model id matches the longest entry that is a prefix of it, ending
 * at a separator ({@code -}, {@code :}, {@code @}, {@code _}) or at the end, after normalising:
 * lower case, without a Bedrock cross-region inference profile prefix ({@code us.}, {@code eu.},
 * {@code apac.}, {@code global.}, ...), without a provider prefix {@code anthropic.} and without a
 * path ({@code models/}, {@code openai/}), without a version suffix ({@code :0}), and for Claude
 * ids with {@code 4.5}-style versions written {@code 4-5}. So {@code
 * us.anthropic.claude-sonnet-4-5-20250929-v1:0}, {@code claude-sonnet-4-5-20250929} and {@code
 * anthropic/claude-sonnet-4.5} are all priced as {@code claude-sonnet-4-5}, while {@code gpt-5.5}
 * does not fall back to {@code gpt-5} (a dot is no separator).
 *
 * <p><b>Cost</b>, on {@link Usage}'s one definition of input (the GenAI conventions': {@code
 * inputTokens} <em>includes</em> cache reads and cache writes, which are also counted apart):
 * each token kind is priced once. Uncached input = {@code input − cacheRead − cacheWrite} at the
 * input price, cache reads at the cache-read price, cache writes at the cache-write price, output
 * at the output price. Reasoning tokens are part of the output tokens (as OpenAI, Gemini, Anthropic
 * and the GenAI conventions report them) and are priced as output, unless the model's entry has
 * a {@code reasoning} price: then {@code output − reasoning} is priced as output and the reasoning
 * tokens at that price. Tiered prices (long prompts) are not modelled: the table holds the base
 * tier. Immutable.
 */
public final class PriceTable {
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final Pattern REGION_PREFIX = Pattern.compile("^(us|eu|apac|ap|ca|jp|au|us-gov|global)\\.");
  private static final Pattern PROVIDER_PREFIX = Pattern.compile("^anthropic\\.");
  private static final Pattern VERSION_SUFFIX = Pattern.compile(":\\d+$");
  private static final Pattern CLAUDE_DOT_VERSION = Pattern.compile("(\\d)\\.(\\d)");
  private static final String SEPARATORS = "-:@_";

  /**
   * Prices per million tokens; {@code reasoning} is null when reasoning tokens are priced as
   * output.
   */
  public record ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead,
      BigDecimal cacheWrite, @javax.annotation.Nullable BigDecimal reasoning) {

    /** A price whose reasoning tokens cost what output does. */
    public ModelPrice(BigDecimal input, BigDecimal output, BigDecimal cacheRead, BigDecimal cacheWrite) {
      this(input, output, cacheRead, cacheWrite, null);
    }
  }

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
      BigDecimal input = price(p, "input", source, e.getKey());
      prices.put(
          normalise(e.getKey()),
          new ModelPrice(
              input, price(p, "output", source, e.getKey()),
              optionalPrice(p, "cacheRead", source, e.getKey(), input),
              optionalPrice(p, "cacheWrite", source, e.getKey(), input),
              p.has("reasoning") ? price(p, "reasoning", source, e.getKey()) : null));
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

  /** A price the entry may leave out; then those tokens cost {@code fallback} (the input price). */
  private static BigDecimal optionalPrice(
      JsonNode p, String field, String source, String model, BigDecimal fallback) {
    return p.has(field) ? price(p, field, source, model) : fallback;
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
      boolean matches = id.equals(key)
          || (id.startsWith(key) && SEPARATORS.indexOf(id.charAt(key.length())) >= 0);
      if (matches && (best == null || key.length() > best.length())) {
        best = key;
      }
    }
    return Optional.ofNullable(best).map(prices::get);
  }

  /**
   * The cost of {@code usage} on {@code model} (each token kind priced once, see the class
   * comment), rounded to 6 decimals; empty if not priced.
   */
  public Optional<BigDecimal> cost(String model, Usage usage) {
    return priceOf(model).map(p -> {
      long uncached =
          Math.max(0, usage.inputTokens() - usage.cacheReadTokens() - usage.cacheWriteTokens());
      long reasoning = p.reasoning() == null ? 0 : Math.min(usage.reasoningTokens(), usage.outputTokens());
      BigDecimal micro =
          p.input().multiply(BigDecimal.valueOf(uncached))
              .add(p.cacheRead().multiply(BigDecimal.valueOf(usage.cacheReadTokens())))
              .add(p.cacheWrite().multiply(BigDecimal.valueOf(usage.cacheWriteTokens())))
              .add(p.output().multiply(BigDecimal.valueOf(usage.outputTokens() - reasoning)));
      if (p.reasoning() != null) {
        micro = micro.add(p.reasoning().multiply(BigDecimal.valueOf(reasoning)));
      }
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
    id = PROVIDER_PREFIX.matcher(id).replaceFirst("");
    id = VERSION_SUFFIX.matcher(id).replaceFirst("");
    return id.startsWith("claude") ? CLAUDE_DOT_VERSION.matcher(id).replaceAll("$1-$2") : id;
  }

  @Override
  public String toString() {
    return "PriceTable{pricesAsOf=" + pricesAsOf + ", models=" + prices.size() + "}";
  }
}
