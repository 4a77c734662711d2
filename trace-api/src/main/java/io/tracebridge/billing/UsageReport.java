package io.tracebridge.billing;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Usage grouped for billing, priced with a {@link PriceTable}: built from the aggregates the store
 * keeps at write time ({@link UsageCell}s), never from records.
 */
public final class UsageReport {
  private UsageReport() {}

  /** What usage can be grouped by. */
  public enum GroupBy {
    TENANT(UsageKind.TENANT),
    AGENT(UsageKind.AGENT),
    MODEL(UsageKind.TENANT),
    DAY(UsageKind.TENANT),
    SESSION(UsageKind.SESSION),
    TRACE(UsageKind.TRACE);

    private final UsageKind source;

    GroupBy(UsageKind source) {
      this.source = source;
    }

    /** The aggregates this grouping is read from. */
    public UsageKind source() {
      return source;
    }

    /**
     * @throws IllegalArgumentException naming the accepted values
     */
    public static GroupBy parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "groupBy must be one of tenant, agent, model, day, session, trace: '" + value + "'");
      }
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * One group's totals. {@code cost} is null when some of its usage is on a model the price table
   * does not know ({@code unpricedModels} names them; {@code pricedCost} is the part that is priced).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Row(
      String key,
      long inputTokens,
      long outputTokens,
      long cacheReadTokens,
      long cacheWriteTokens,
      long reasoningTokens,
      @Nullable BigDecimal cost,
      BigDecimal pricedCost,
      List<String> models,
      List<String> unpricedModels) {}

  /** The report: rows sorted by key, and their total. */
  public record Report(
      String groupBy, LocalDate from, LocalDate to, String currency, String pricesAsOf,
      List<Row> rows, Row total) {}

  public static Report build(
      Collection<UsageCell> cells, GroupBy groupBy, String tenant, LocalDate from, LocalDate to,
      PriceTable prices) {
    Map<String, List<UsageCell>> groups = new TreeMap<>();
    for (UsageCell c : cells) {
      String key = switch (groupBy) {
        case TENANT -> tenant;
        case MODEL -> c.model();
        case DAY -> c.day().toString();
        case AGENT, SESSION, TRACE -> c.value();
      };
      groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }
    List<Row> rows = new ArrayList<>();
    groups.forEach((key, group) -> rows.add(row(key, group, prices)));
    return new Report(groupBy.wireName(), from, to, prices.currency(), prices.pricesAsOf(), rows,
        row("total", cells, prices));
  }

  private static Row row(String key, Collection<UsageCell> cells, PriceTable prices) {
    Usage sum = Usage.ZERO;
    BigDecimal priced = BigDecimal.ZERO;
    TreeSet<String> models = new TreeSet<>();
    TreeSet<String> unpriced = new TreeSet<>();
    for (UsageCell c : cells) {
      sum = sum.plus(c.usage());
      models.add(c.model());
      var cost = prices.cost(c.model(), c.usage());
      if (cost.isPresent()) {
        priced = priced.add(cost.get());
      } else {
        unpriced.add(c.model());
      }
    }
    return new Row(key, sum.inputTokens(), sum.outputTokens(), sum.cacheReadTokens(),
        sum.cacheWriteTokens(), sum.reasoningTokens(), unpriced.isEmpty() ? priced : null, priced,
        List.copyOf(models), List.copyOf(unpriced));
  }

  /** The report as CSV for finance: a header line, one line per row, then the total. */
  public static String csv(Report report) {
    StringBuilder out = new StringBuilder(
        "group_by,key,from,to,input_tokens,output_tokens,cache_read_tokens,cache_write_tokens,"
            + "reasoning_tokens,cost,currency,prices_as_of,unpriced_models\r\n");
    List<Row> all = new ArrayList<>(report.rows());
    all.add(report.total());
    for (Row r : all) {
      out.append(String.join(",",
              csvField(report.groupBy()), csvField(r.key()), report.from().toString(),
              report.to().toString(), Long.toString(r.inputTokens()), Long.toString(r.outputTokens()),
              Long.toString(r.cacheReadTokens()), Long.toString(r.cacheWriteTokens()),
              Long.toString(r.reasoningTokens()),
              r.cost() == null ? "" : r.cost().toPlainString(), report.currency(),
              report.pricesAsOf(), csvField(String.join(" ", r.unpricedModels()))))
          .append("\r\n");
    }
    return out.toString();
  }

  /** RFC 4180 quoting, and a leading quote mark against spreadsheet formula injection. */
  static String csvField(String value) {
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      return "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
