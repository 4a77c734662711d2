package io.tracebridge.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.billing.PriceTable;
import io.tracebridge.billing.UsageReport;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.TraceSummary;
import io.tracebridge.store.UsageAccounting;
import io.tracebridge.store.UsageCell;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * What the viewer's pages show beyond the stored records and summaries, computed in the web
 * layer from what the store already keeps: a run's header (agent, session, models, start,
 * duration, status, stop reason, tokens, cost) and the cost of each model call; the models and
 * cost of listed runs; the filters of the run list.
 *
 * <p>Cost is always {@link UsageReport}'s: a run's cost is the report's row for the run built
 * from the same (day, model) cells billing keeps, so the viewer shows what {@code
 * /api/usage?groupBy=trace} answers, to the last decimal.
 */
final class RunViews {
  /** The run statuses a summary can have ({@link TraceSummary#status}). */
  static final Set<String> STATUSES = Set.of("running", "finished", "stopped", "error");

  private RunViews() {}

  /**
   * The run header and per-call costs of a trace from its records ({@code ?view=run}). The status
   * follows {@link TraceSummary#status} exactly as the store computes it for the summary.
   */
  static ObjectNode run(String traceId, List<FunctionalRecord> records, PriceTable prices) {
    ObjectNode body = RecordJson.mapper().createObjectNode();
    body.put("traceId", traceId);
    body.put("xrayTraceId", TraceIds.toXray(traceId));
    FunctionalRecord first = records.get(0);
    FunctionalRecord last = records.get(records.size() - 1);
    FunctionalRecord lastResponse = null;
    FunctionalRecord firstPrompt = null;
    boolean stepFailed = false;
    Set<String> failedSpans = new java.util.HashSet<>();
    TreeSet<String> models = new TreeSet<>();
    String sessionId = null;
    for (FunctionalRecord r : records) {
      if (r.type() == RecordType.RESPONSE) {
        lastResponse = r; // records come in TIMELINE order
      }
      if (r.type() == RecordType.PROMPT && firstPrompt == null) {
        firstPrompt = r;
      }
      if (r.type() == RecordType.ERROR || r.error() != null) {
        stepFailed = true;
        if (r.type() == RecordType.ERROR) {
          failedSpans.add(r.spanId());
        }
      }
      if (r.model() != null && !r.model().isBlank()) {
        models.add(r.model());
      }
      if (sessionId == null && r.sessionId() != null) {
        sessionId = r.sessionId();
      }
    }
    FunctionalRecord agentSource = lastResponse != null ? lastResponse : firstPrompt != null ? firstPrompt : first;
    putIfPresent(body, "agentId", agentSource.agentId() != null ? agentSource.agentId() : firstNonNull(records, true));
    putIfPresent(body, "agentName", agentSource.agentName() != null ? agentSource.agentName() : firstNonNull(records, false));
    putIfPresent(body, "sessionId", sessionId);
    // Replies and results are stamped when their step ended, with the step's duration: the run
    // started when its earliest step did.
    java.time.Instant start = first.timestamp();
    for (FunctionalRecord r : records) {
      if (r.durationMs() != null && r.durationMs() > 0 && (r.type() == RecordType.MODEL_RESPONSE
          || r.type() == RecordType.TOOL_RESPONSE || r.type() == RecordType.RESPONSE)) {
        java.time.Instant began = r.timestamp().minusMillis(r.durationMs());
        start = began.isBefore(start) ? began : start;
      }
    }
    body.put("start", start.toString());
    body.put("end", last.timestamp().toString());
    body.put("durationMs", Math.max(0, last.timestamp().toEpochMilli() - start.toEpochMilli()));
    String stopReason = lastResponse == null ? null : lastResponse.finishReason();
    boolean answerFailed = lastResponse != null
        && (lastResponse.error() != null || failedSpans.contains(lastResponse.spanId()));
    body.put("status", TraceSummary.status(stepFailed, lastResponse != null, stopReason, answerFailed));
    putIfPresent(body, "stopReason", stopReason);
    body.put("steps", records.size());
    ArrayNode modelList = body.putArray("models");
    models.forEach(modelList::add);
    body.set("usage", RecordJson.mapper().valueToTree(TraceUsage.total(records)));

    UsageReport.Row row = costRow(traceId, records, prices);
    putCost(body, row, prices);

    ObjectNode calls = body.putObject("calls");
    for (FunctionalRecord r : records) {
      if (UsageAccounting.role(r) == UsageAccounting.Role.CALL) {
        ObjectNode call = calls.putObject(r.recordId());
        String model = r.model() == null || r.model().isBlank() ? UsageAccounting.UNKNOWN : r.model();
        call.put("model", model);
        prices.cost(model, r.usage()).ifPresentOrElse(c -> call.put("cost", c), () -> call.putNull("cost"));
      }
    }
    return body;
  }

  @Nullable
  private static String firstNonNull(List<FunctionalRecord> records, boolean id) {
    for (FunctionalRecord r : records) {
      String v = id ? r.agentId() : r.agentName();
      if (v != null) {
        return v;
      }
    }
    return null;
  }

  /**
   * The run's usage row as billing counts it: each record's {@link UsageAccounting#contribution}
   * (calls only, or the agent-level totals when no call carries usage), in (day, model) cells,
   * priced by {@link UsageReport} as {@code /api/usage?groupBy=trace} prices them.
   */
  static UsageReport.Row costRow(String traceId, List<FunctionalRecord> records, PriceTable prices) {
    List<UsageAccounting.Contribution> calls = new ArrayList<>();
    List<UsageAccounting.Contribution> agentLevel = new ArrayList<>();
    Map<String, Boolean> seen = new HashMap<>();
    for (FunctionalRecord r : records) {
      if (seen.put(r.recordId(), true) != null) {
        continue;
      }
      UsageAccounting.Contribution c = UsageAccounting.contribution(r);
      if (c == null) {
        continue;
      }
      (UsageAccounting.role(r) == UsageAccounting.Role.CALL ? calls : agentLevel).add(c);
    }
    Map<String, UsageCell> cells = new LinkedHashMap<>();
    for (UsageAccounting.Contribution c : calls.isEmpty() ? agentLevel : calls) {
      cells.merge(c.day() + "\n" + c.model(), new UsageCell(c.day(), traceId, c.model(), c.usage()),
          (a, b) -> new UsageCell(a.day(), a.value(), a.model(), a.usage().plus(b.usage())));
    }
    LocalDate day = LocalDate.ofInstant(records.get(0).timestamp(), ZoneOffset.UTC);
    UsageReport.Report report = UsageReport.build(cells.values(), UsageReport.GroupBy.TRACE, "", day, day, prices);
    return report.total();
  }

  static void putCost(ObjectNode body, UsageReport.Row row, PriceTable prices) {
    if (row.cost() != null) {
      body.put("cost", row.cost());
    } else {
      body.putNull("cost");
    }
    body.put("pricedCost", row.pricedCost());
    body.put("currency", prices.currency());
    body.put("pricesAsOf", prices.pricesAsOf());
    if (!row.unpricedModels().isEmpty()) {
      ArrayNode unpriced = body.putArray("unpricedModels");
      row.unpricedModels().forEach(unpriced::add);
    }
  }

  /** The UTC days the runs' usage can be counted under: each run's start day to its end day. */
  static Set<LocalDate> days(Collection<TraceSummary> runs) {
    TreeSet<LocalDate> days = new TreeSet<>();
    for (TraceSummary t : runs) {
      LocalDate d = LocalDate.ofInstant(t.start(), ZoneOffset.UTC);
      LocalDate end = LocalDate.ofInstant(t.end(), ZoneOffset.UTC);
      for (int i = 0; !d.isAfter(end) && i < 3; d = d.plusDays(1), i++) { // a run longer than 3 days: its first 3
        days.add(d);
      }
    }
    return days;
  }

  /** Usage rows (models and cost) per trace, from the trace usage cells of the runs' days. */
  static Map<String, UsageReport.Row> costsByTrace(Collection<TraceSummary> runs, List<UsageCell> cells,
      PriceTable prices) {
    Set<String> ids = new java.util.HashSet<>();
    runs.forEach(t -> ids.add(t.traceId()));
    List<UsageCell> mine = cells.stream().filter(c -> ids.contains(c.value())).toList();
    Map<String, UsageReport.Row> rows = new HashMap<>();
    UsageReport.build(mine, UsageReport.GroupBy.TRACE, "", LocalDate.EPOCH, LocalDate.EPOCH, prices)
        .rows().forEach(r -> rows.put(r.key(), r));
    return rows;
  }

  /** A summary as the list shows it: the stored fields plus {@code models}, {@code cost}, {@code currency}. */
  static ObjectNode listed(TraceSummary t, @Nullable UsageReport.Row row, PriceTable prices) {
    ObjectNode node = RecordJson.mapper().valueToTree(t);
    ArrayNode models = node.putArray("models");
    if (row == null) {
      node.put("cost", BigDecimal.ZERO);
      node.put("currency", prices.currency());
      return node;
    }
    row.models().forEach(models::add);
    if (row.cost() != null) {
      node.put("cost", row.cost());
    } else {
      node.putNull("cost");
    }
    node.put("currency", prices.currency());
    return node;
  }

  /** The list filters the store does not answer itself: applied here, to the stored summaries. */
  record Filter(@Nullable String status, @Nullable String model, @Nullable String text,
      @Nullable String agentId) {
    boolean none() {
      return status == null && model == null && text == null && agentId == null;
    }

    boolean needsModels() {
      return model != null;
    }

    boolean matches(TraceSummary t, @Nullable UsageReport.Row row) {
      if (status != null && !status.equals(t.status())) {
        return false;
      }
      if (agentId != null && !agentId.equals(t.agentId())) {
        return false;
      }
      if (model != null) {
        String m = model.toLowerCase(Locale.ROOT);
        if (row == null || row.models().stream().noneMatch(x -> x.toLowerCase(Locale.ROOT).contains(m))) {
          return false;
        }
      }
      if (text != null) {
        String q = text.toLowerCase(Locale.ROOT);
        List<String> fields = new ArrayList<>(t.tools());
        fields.add(t.prompt());
        fields.add(t.agentName());
        fields.add(t.agentId());
        fields.add(t.sessionId());
        fields.add(t.traceId());
        fields.add(t.stopReason());
        return fields.stream().anyMatch(f -> f != null && f.toLowerCase(Locale.ROOT).contains(q));
      }
      return true;
    }

    /** What the filter adds to a page cursor's purpose. */
    String purpose() {
      return "\nstatus:" + status + "\nmodel:" + model + "\nq:" + text + "\nagentFilter:" + agentId;
    }
  }

  static Usage sum(Collection<TraceSummary> runs) {
    Usage u = Usage.ZERO;
    for (TraceSummary t : runs) {
      u = u.plus(t.usage());
    }
    return u;
  }

  private static void putIfPresent(ObjectNode node, String field, @Nullable String value) {
    if (value != null) {
      node.put(field, value);
    }
  }
}
