package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import io.tracebridge.store.TracePage;
import io.tracebridge.store.TraceQuery;
import io.tracebridge.store.TraceReader;
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
   * {@code GET /api/traces/{id}[?view=legacy]}: the trace's records (with the run's token totals)
   * or, in the legacy view, the Bedrock Agents trace objects. 400 for a malformed id or unknown
   * view, 404 for a trace with no records.
   */
  void getTrace(RoutingContext ctx) {
    String view = ctx.queryParams().get("view") == null ? VIEW_RECORDS : ctx.queryParams().get("view");
    if (!view.equals(VIEW_RECORDS) && !view.equals(VIEW_LEGACY)) {
      HttpErrors.send(ctx, 400, "unknown view '" + view + "': use 'records' or 'legacy'");
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
      sendJson(ctx, view.equals(VIEW_LEGACY) ? LegacyTraceView.of(records) : withTotals(traceId, records));
    });
  }

  /**
   * {@code GET /api/traces?sessionId=|agentId=&from=&to=&limit=&cursor=}: trace summaries,
   * newest first; {@code nextCursor} fetches the next page. {@code from}/{@code to} are ISO-8601
   * instants or UTC dates (a date {@code to} includes that day).
   */
  void listTraces(RoutingContext ctx) {
    String tenant = ctx.get(TENANT);
    TraceQuery query;
    String purpose;
    try {
      var p = ctx.queryParams();
      Instant from = p.get("from") == null ? null : instant("from", p.get("from"), false);
      Instant to = p.get("to") == null ? null : instant("to", p.get("to"), true);
      int limit = limit(p.get("limit"));
      String sessionId = blankToNull(p.get("sessionId"));
      String agentId = blankToNull(p.get("agentId"));
      purpose = pagePurpose(sessionId, agentId, from, to);
      String cursor = blankToNull(p.get("cursor"));
      query = new TraceQuery(sessionId, agentId, from, to, limit,
          cursor == null ? null : new String(cursors.open(purpose, tenant, cursor), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    answer(ctx, () -> reader.listTraces(tenant, query), page -> sendJson(ctx, new TracePage(page.traces(),
        page.nextCursor() == null ? null
            : cursors.seal(purpose, tenant, page.nextCursor().getBytes(StandardCharsets.UTF_8)))));
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
