package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.billing.PriceTable;
import io.tracebridge.billing.UsageReport;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.legacy.LegacyTraceView;
import io.tracebridge.store.AuthenticationException;
import io.tracebridge.store.TenantAuthenticator;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceReader;
import io.tracebridge.store.TraceSummary;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Map;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.annotation.Nullable;

/**
 * REST handlers over the trace reader. Every {@code /api} call is authenticated first ({@link
 * #authenticate}) and scoped to its tenant; every handler answers JSON (CSV for the usage
 * export), errors included.
 */
final class TraceRoutes {
  static final String TENANT = "tracebridge.tenant";
  private static final String VIEW_RECORDS = "records";
  private static final String VIEW_LEGACY = "legacy";
  private static final String VIEW_RUN = "run";
  private static final int DEFAULT_USAGE_DAYS = 30;

  private final TraceReader reader;
  private final TenantAuthenticator authenticator;
  private final PriceTable prices;
  private final Context context;
  private final Clock clock;
  private final CursorSeal cursors;

  TraceRoutes(TraceReader reader, TenantAuthenticator authenticator, PriceTable prices,
      Context context, Clock clock, CursorSeal cursors) {
    this.cursors = cursors;
    this.reader = reader;
    this.authenticator = authenticator;
    this.prices = prices;
    this.context = context;
    this.clock = clock;
  }

  /**
   * Authenticates an {@code /api} call by its {@code Authorization} header (keys never travel in
   * URLs, which end up in access logs and browser history): 401 without or with an unknown key,
   * 403 when it names (with {@code ?tenant=}) a tenant other than its key's.
   */
  void authenticate(RoutingContext ctx) {
    String tenant;
    try {
      tenant = authenticator.authenticate(ctx.request().getHeader("Authorization"));
    } catch (AuthenticationException e) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"tracebridge\"");
      HttpErrors.send(ctx, 401, e.getMessage());
      return;
    }
    String asked = ctx.queryParams().get("tenant");
    if (asked != null && !asked.equals(tenant)) {
      HttpErrors.send(ctx, 403, "this API key may not read tenant '" + asked + "'");
      return;
    }
    ctx.put(TENANT, tenant);
    ctx.next();
  }

  /**
   * {@code GET /api/traces/{id}[?view=legacy|run]}: the trace's records (with the run's token
   * totals), in the legacy view the Bedrock Agents trace objects, in the run view the run's header
   * and the cost of each model call without the records ({@link RunViews#run}). 400 for a malformed id or unknown
   * view, 404 for a trace with no records.
   */
  void getTrace(RoutingContext ctx) {
    String view = ctx.queryParams().get("view") == null ? VIEW_RECORDS : ctx.queryParams().get("view");
    if (!view.equals(VIEW_RECORDS) && !view.equals(VIEW_LEGACY) && !view.equals(VIEW_RUN)) {
      HttpErrors.send(ctx, 400, "unknown view '" + view + "': use 'records', 'legacy' or 'run'");
      return;
    }
    String traceId;
    try {
      traceId = TraceIds.toW3c(ctx.pathParam("id"));
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    answer(ctx, () -> reader.findByTrace(ctx.get(TENANT), traceId), records -> {
      if (records.isEmpty()) {
        HttpErrors.send(ctx, 404, "no records for trace " + traceId);
        return;
      }
      sendJson(ctx, view.equals(VIEW_LEGACY) ? LegacyTraceView.of(records)
          : view.equals(VIEW_RUN) ? runView(traceId, records, "true".equals(ctx.queryParams().get("records")))
          : withTotals(traceId, records));
    });
  }

  /**
   * {@code GET /api/traces?sessionId=&agentId=&status=&model=&q=&from=&to=&limit=&cursor=}: trace
   * summaries, newest first, each with its {@code models}, {@code cost} and {@code currency}
   * (from the usage aggregates, as {@code /api/usage?groupBy=trace} prices them); {@code
   * nextCursor} fetches the next page. {@code from}/{@code to} are ISO-8601 instants or UTC dates
   * (a date {@code to} includes that day). The store answers session, agent and time range; the
   * other filters ({@code status}, {@code model}, the text {@code q}, and an agent together with
   * a session) are applied here to the stored summaries, reading at most {@value #SCAN_PAGES}
   * store pages of {@value #SCAN_PAGE} per request: a page may then hold fewer than {@code limit}
   * runs and say {@code "partial": true} with a {@code nextCursor} to scan on (web README).
   */
  void listTraces(RoutingContext ctx) {
    String tenant = ctx.get(TENANT);
    TraceQuery query;
    String purpose;
    RunViews.Filter filter;
    String scanCursor = null;
    int scanOffset = 0;
    try {
      var p = ctx.queryParams();
      Instant from = p.get("from") == null ? null : instant("from", p.get("from"), false);
      Instant to = p.get("to") == null ? null : instant("to", p.get("to"), true);
      int limit = limit(p.get("limit"));
      String sessionId = blankToNull(p.get("sessionId"));
      String agentId = blankToNull(p.get("agentId"));
      String status = blankToNull(p.get("status"));
      if (status != null && !RunViews.STATUSES.contains(status)) {
        throw new IllegalArgumentException("status must be one of running, finished, stopped, error, was '"
            + (status.length() > 20 ? status.substring(0, 20) + "…" : status) + "'");
      }
      String text = blankToNull(p.get("q"));
      if (text != null && text.length() > 200) {
        throw new IllegalArgumentException("q must be at most 200 characters");
      }
      String model = blankToNull(p.get("model"));
      if (model != null && model.length() > 200) {
        throw new IllegalArgumentException("model must be at most 200 characters");
      }
      filter = new RunViews.Filter(status, model, text,
          sessionId != null ? agentId : null);
      String storeAgent = sessionId != null ? null : agentId;
      purpose = pagePurpose(sessionId, agentId, from, to) + (filter.none() ? "" : filter.purpose());
      String cursor = blankToNull(p.get("cursor"));
      String opened = cursor == null ? null : new String(cursors.open(purpose, tenant, cursor), StandardCharsets.UTF_8);
      if (filter.none()) {
        query = new TraceQuery(sessionId, storeAgent, from, to, limit, opened);
      } else {
        if (opened != null) {
          int nl = opened.indexOf('\n');
          scanOffset = Integer.parseInt(opened.substring(0, nl));
          scanCursor = opened.substring(nl + 1).isEmpty() ? null : opened.substring(nl + 1);
        }
        query = new TraceQuery(sessionId, storeAgent, from, to, limit, null);
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    if (!filter.none()) {
      scan(ctx, tenant, query, filter, purpose, scanCursor, scanOffset);
      return;
    }
    answer(ctx, () -> reader.listTraces(tenant, query), page -> withCosts(ctx, tenant, page.traces(), rows -> {
      ObjectNode body = RecordJson.mapper().createObjectNode();
      ArrayNode traces = body.putArray("traces");
      page.traces().forEach(t -> traces.add(RunViews.listed(t, rows.get(t.traceId()), prices)));
      if (page.nextCursor() == null) {
        body.putNull("nextCursor");
      } else {
        body.put("nextCursor", cursors.seal(purpose, tenant, page.nextCursor().getBytes(StandardCharsets.UTF_8)));
      }
      sendJson(ctx, body);
    }));
  }

  static final int SCAN_PAGE = 100;
  static final int SCAN_PAGES = 5;

  /**
   * The run list with filters the store does not answer: store pages of {@value #SCAN_PAGE},
   * filtered here, until {@code limit} runs match or {@value #SCAN_PAGES} pages were read. The
   * cursor is the store cursor of the page being read and the position in it, so a page ends
   * exactly after its last match and the next one starts right after.
   */
  private void scan(RoutingContext ctx, String tenant, TraceQuery base, RunViews.Filter filter,
      String purpose, @Nullable String storeCursor, int offset) {
    List<ObjectNode> found = new ArrayList<>();
    int[] scanned = {0};
    scanPage(ctx, tenant, base, filter, purpose, storeCursor, offset, 0, found, scanned);
  }

  private void scanPage(RoutingContext ctx, String tenant, TraceQuery base, RunViews.Filter filter,
      String purpose, @Nullable String storeCursor, int offset, int pagesRead, List<ObjectNode> found,
      int[] scanned) {
    TraceQuery q = new TraceQuery(base.sessionId(), base.agentId(), base.from(), base.to(), SCAN_PAGE, storeCursor);
    answer(ctx, () -> reader.listTraces(tenant, q), page -> withCosts(ctx, tenant, page.traces(), rows -> {
      List<TraceSummary> traces = page.traces();
      for (int i = offset; i < traces.size(); i++) {
        TraceSummary t = traces.get(i);
        scanned[0]++;
        UsageReport.Row row = rows.get(t.traceId());
        if (!filter.matches(t, row)) {
          continue;
        }
        found.add(RunViews.listed(t, row, prices));
        if (found.size() == base.limit()) {
          boolean atEnd = i + 1 == traces.size() && page.nextCursor() == null;
          String next = atEnd ? null
              : i + 1 == traces.size() ? "0\n" + page.nextCursor()
              : (i + 1) + "\n" + (storeCursor == null ? "" : storeCursor);
          sendScan(ctx, tenant, purpose, found, next, scanned[0], false);
          return;
        }
      }
      if (page.nextCursor() == null) {
        sendScan(ctx, tenant, purpose, found, null, scanned[0], false);
      } else if (pagesRead + 1 >= SCAN_PAGES) {
        sendScan(ctx, tenant, purpose, found, "0\n" + page.nextCursor(), scanned[0], true);
      } else {
        scanPage(ctx, tenant, base, filter, purpose, page.nextCursor(), 0, pagesRead + 1, found, scanned);
      }
    }));
  }

  private void sendScan(RoutingContext ctx, String tenant, String purpose, List<ObjectNode> found,
      @Nullable String next, int scanned, boolean partial) {
    ObjectNode body = RecordJson.mapper().createObjectNode();
    body.putArray("traces").addAll(found);
    if (next == null) {
      body.putNull("nextCursor");
    } else {
      body.put("nextCursor", cursors.seal(purpose, tenant, next.getBytes(StandardCharsets.UTF_8)));
    }
    body.put("scanned", scanned);
    if (partial) {
      body.put("partial", true);
    }
    sendJson(ctx, body);
  }

  /**
   * Models and cost per run of {@code runs}: the trace usage aggregates of their days (one store
   * read per run of consecutive days), priced by {@link UsageReport}, handed to {@code then}. A
   * failed read, or {@code then} throwing, is answered as a fault.
   */
  private void withCosts(RoutingContext ctx, String tenant, List<TraceSummary> runs,
      Consumer<Map<String, UsageReport.Row>> then) {
    if (runs.isEmpty()) {
      try {
        then.accept(Map.of());
      } catch (RuntimeException e) {
        HttpErrors.fault(ctx, e);
      }
      return;
    }
    List<LocalDate[]> ranges = new ArrayList<>();
    for (LocalDate d : RunViews.days(runs)) {
      LocalDate[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
      if (last != null && last[1].plusDays(1).equals(d)) {
        last[1] = d;
      } else {
        ranges.add(new LocalDate[] {d, d});
      }
    }
    List<Future<List<UsageCell>>> reads = new ArrayList<>();
    for (LocalDate[] r : ranges) {
      try {
        reads.add(Future.fromCompletionStage(reader.usage(tenant, UsageKind.TRACE, r[0], r[1]), context));
      } catch (RuntimeException e) {
        reads.add(Future.failedFuture(e));
      }
    }
    Future.all(reads).onComplete(ar -> {
      try {
        if (ar.failed()) {
          HttpErrors.fault(ctx, ar.cause());
          return;
        }
        List<UsageCell> cells = new ArrayList<>();
        reads.forEach(f -> cells.addAll(f.result()));
        then.accept(RunViews.costsByTrace(runs, cells, prices)); // building the answer may fail too: a fault
      } catch (RuntimeException e) {
        HttpErrors.fault(ctx, e);
      }
    });
  }

  /**
   * {@code GET /api/sessions/{id}}: the session's runs in the order they started (oldest first,
   * at most {@value #SESSION_RUNS}; {@code truncated} says when there are more), each with models
   * and cost, and the session's totals: runs, tokens, cost (the sum of the runs' rows as billing
   * prices them), first start and last end. 404 for a session with no runs.
   */
  void session(RoutingContext ctx) {
    String tenant = ctx.get(TENANT);
    String sessionId = ctx.pathParam("id");
    List<TraceSummary> all = new ArrayList<>();
    sessionPage(ctx, tenant, sessionId, null, all);
  }

  static final int SESSION_RUNS = 1000;

  private void sessionPage(RoutingContext ctx, String tenant, String sessionId, @Nullable String cursor,
      List<TraceSummary> all) {
    TraceQuery q = new TraceQuery(sessionId, null, null, null, TraceQuery.MAX_LIMIT, cursor);
    answer(ctx, () -> reader.listTraces(tenant, q), page -> {
      all.addAll(page.traces());
      if (page.nextCursor() != null && all.size() < SESSION_RUNS) {
        sessionPage(ctx, tenant, sessionId, page.nextCursor(), all);
        return;
      }
      if (all.isEmpty()) {
        HttpErrors.send(ctx, 404, "no runs for session " + sessionId);
        return;
      }
      boolean truncated = page.nextCursor() != null;
      List<TraceSummary> runs = new ArrayList<>(all);
      java.util.Collections.reverse(runs); // oldest first
      withCosts(ctx, tenant, runs, rows -> {
        ObjectNode body = RecordJson.mapper().createObjectNode();
        body.put("sessionId", sessionId);
        ArrayNode list = body.putArray("runs");
        BigDecimal cost = BigDecimal.ZERO;
        boolean unpriced = false;
        Instant start = runs.get(0).start();
        Instant end = runs.get(0).end();
        java.util.TreeSet<String> agents = new java.util.TreeSet<>();
        java.util.TreeSet<String> models = new java.util.TreeSet<>();
        for (TraceSummary t : runs) {
          UsageReport.Row row = rows.get(t.traceId());
          list.add(RunViews.listed(t, row, prices));
          if (row != null) {
            models.addAll(row.models());
            if (row.cost() == null) {
              unpriced = true;
            }
            cost = cost.add(row.pricedCost());
          }
          if (t.agentName() != null || t.agentId() != null) {
            agents.add(t.agentName() != null ? t.agentName() : t.agentId());
          }
          start = t.start().isBefore(start) ? t.start() : start;
          end = t.end().isAfter(end) ? t.end() : end;
        }
        ObjectNode totals = body.putObject("totals");
        totals.put("runs", runs.size());
        totals.set("usage", RecordJson.mapper().valueToTree(RunViews.sum(runs)));
        if (unpriced) {
          totals.putNull("cost");
        } else {
          totals.put("cost", cost);
        }
        totals.put("pricedCost", cost);
        totals.put("currency", prices.currency());
        totals.put("start", start.toString());
        totals.put("end", end.toString());
        totals.put("durationMs", Math.max(0, end.toEpochMilli() - start.toEpochMilli()));
        agents.forEach(totals.putArray("agents")::add);
        models.forEach(totals.putArray("models")::add);
        body.put("truncated", truncated);
        sendJson(ctx, body);
      });
    });
  }

  /**
   * {@code GET /api/agents/{id}?from=&to=}: the agent's tokens and cost per UTC day from..to (both
   * included; default the last 30 days), read from the agent usage aggregates and priced exactly
   * as {@code /api/usage?groupBy=agent} does; its runs are {@code /api/traces?agentId=}.
   */
  void agent(RoutingContext ctx) {
    String tenant = ctx.get(TENANT);
    String agentId = ctx.pathParam("id");
    LocalDate from;
    LocalDate to;
    try {
      var p = ctx.queryParams();
      to = p.get("to") == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : day("to", p.get("to"));
      from = p.get("from") == null ? to.minusDays(DEFAULT_USAGE_DAYS - 1) : day("from", p.get("from"));
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("from must not be after to");
      }
      if (from.plusDays(366).isBefore(to)) {
        throw new IllegalArgumentException("from..to must be at most 366 days");
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    LocalDate f = from;
    LocalDate t = to;
    answer(ctx, () -> reader.usage(tenant, UsageKind.AGENT, f, t), cells -> {
      List<UsageCell> mine = cells.stream().filter(c -> c.value().equals(agentId)).toList();
      UsageReport.Report report = UsageReport.build(mine, UsageReport.GroupBy.DAY, tenant, f, t, prices);
      ObjectNode body = RecordJson.mapper().createObjectNode();
      body.put("agentId", agentId);
      body.put("from", f.toString());
      body.put("to", t.toString());
      body.put("currency", prices.currency());
      body.put("pricesAsOf", prices.pricesAsOf());
      body.set("days", RecordJson.mapper().valueToTree(report.rows()));
      body.set("total", RecordJson.mapper().valueToTree(report.total()));
      sendJson(ctx, body);
    });
  }

  /**
   * What a page cursor is sealed for: this list (scope and time range; the page size may
   * change), so a cursor of another list is refused here rather than handed to the store.
   */
  private static String pagePurpose(@Nullable String sessionId, @Nullable String agentId,
      @Nullable Instant from, @Nullable Instant to) {
    return "traces\nsession:" + sessionId + "\nagent:" + agentId + "\nfrom:" + from + "\nto:" + to;
  }

  private static int limit(@Nullable String value) {
    if (value == null) {
      return TraceQuery.DEFAULT_LIMIT;
    }
    String problem = "limit must be a whole number from 1 to " + TraceQuery.MAX_LIMIT + ", was '"
        + (value.length() > 20 ? value.substring(0, 20) + "…" : value) + "'";
    try {
      int limit = Integer.parseInt(value.trim());
      if (limit < 1 || limit > TraceQuery.MAX_LIMIT) {
        throw new IllegalArgumentException(problem);
      }
      return limit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * {@code GET /api/usage?from=&to=&groupBy=[&format=csv]} and {@code GET /api/usage.csv}: token
   * totals and cost per group for the UTC days from..to (both included; default the last 30
   * days), read from the aggregates kept at write time.
   */
  void usage(RoutingContext ctx) {
    boolean csv = ctx.request().path().endsWith(".csv") || "csv".equals(ctx.queryParams().get("format"));
    UsageReport.GroupBy groupBy;
    LocalDate from;
    LocalDate to;
    try {
      var p = ctx.queryParams();
      groupBy = UsageReport.GroupBy.parse(p.get("groupBy") == null ? "model" : p.get("groupBy"));
      to = p.get("to") == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : day("to", p.get("to"));
      from = p.get("from") == null ? to.minusDays(DEFAULT_USAGE_DAYS - 1) : day("from", p.get("from"));
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("from must not be after to");
      }
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    String tenant = ctx.get(TENANT);
    UsageReport.GroupBy g = groupBy;
    LocalDate f = from;
    LocalDate t = to;
    answer(ctx, () -> reader.usage(tenant, g.source(), f, t), list -> {
      UsageReport.Report report = UsageReport.build(list, g, tenant, f, t, prices);
      if (csv) {
        ctx.response()
            .putHeader("content-type", "text/csv; charset=utf-8")
            .putHeader("content-disposition",
                "attachment; filename=\"usage-" + g.wireName() + "-" + f + "-" + t + ".csv\"")
            .end(UsageReport.csv(report));
      } else {
        sendJson(ctx, report);
      }
    });
  }

  /**
   * Runs a store call and hands its result to {@code onResult}, so that every request is
   * answered: the call throwing or failing, or {@code onResult} throwing (a stored item the
   * answer cannot be built from), is a server fault ({@link HttpErrors#fault}), never a
   * connection left hanging. Only the call refusing its arguments before reading anything
   * ({@link IllegalArgumentException} thrown, not failed) is the caller's mistake: 400.
   */
  private <T> void answer(RoutingContext ctx, Supplier<CompletionStage<T>> call, Consumer<T> onResult) {
    Future<T> result;
    try {
      result = Future.fromCompletionStage(call.get(), context);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    } catch (RuntimeException e) {
      result = Future.failedFuture(e);
    }
    result.onComplete(ar -> {
      try {
        if (ar.succeeded()) {
          onResult.accept(ar.result());
        } else {
          HttpErrors.fault(ctx, ar.cause());
        }
      } catch (RuntimeException e) {
        HttpErrors.fault(ctx, e);
      }
    });
  }

  private static void sendJson(RoutingContext ctx, Object body) {
    try {
      ctx.response()
          .putHeader("content-type", "application/json")
          .end(RecordJson.mapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      HttpErrors.fault(ctx, e);
    }
  }

  /** {@code ?view=run}, with the records too when {@code records=true} (the viewer's first read). */
  private ObjectNode runView(String traceId, List<FunctionalRecord> records, boolean withRecords) {
    ObjectNode body = RunViews.run(traceId, records, prices);
    if (withRecords) {
      body.set("records", RecordJson.mapper().valueToTree(records));
    }
    return body;
  }

  private static ObjectNode withTotals(String traceId, List<FunctionalRecord> records) {
    ObjectNode body = RecordJson.mapper().createObjectNode();
    body.put("traceId", traceId);
    body.put("xrayTraceId", TraceIds.toXray(traceId));
    body.set("usage", RecordJson.mapper().valueToTree(TraceUsage.total(records)));
    body.set("records", RecordJson.mapper().valueToTree(records));
    return body;
  }

  /** An instant, or a UTC date: its start, or (for an end bound) the start of the next day. */
  private static Instant instant(String name, String value, boolean end) {
    try {
      if (value.length() == 10) {
        LocalDate d = LocalDate.parse(value);
        return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
      }
      return Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw badTime(name, value);
    }
  }

  private static LocalDate day(String name, String value) {
    try {
      return value.length() == 10 ? LocalDate.parse(value) : LocalDate.ofInstant(Instant.parse(value), ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw badTime(name, value);
    }
  }

  private static IllegalArgumentException badTime(String name, String value) {
    return new IllegalArgumentException(name + " must be a UTC date (2026-03-01) or an ISO-8601 instant"
        + " (2026-03-01T10:00:00Z), was '" + (value.length() > 40 ? value.substring(0, 40) + "…" : value) + "'");
  }

  @Nullable
  private static String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
