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
import java.util.List;
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

  TraceRoutes(TraceReader reader, TenantAuthenticator authenticator, PriceTable prices,
      Context context, Clock clock) {
    this.reader = reader;
    this.authenticator = authenticator;
    this.prices = prices;
    this.context = context;
    this.clock = clock;
  }

  /**
   * The credentials of a request: {@code Authorization} or, for browsers' websockets, an {@code
   * access_token} query parameter.
   */
  static String authenticate(TenantAuthenticator authenticator, @Nullable String header,
      @Nullable String accessToken) throws AuthenticationException {
    return authenticator.authenticate(
        header == null && accessToken != null && !accessToken.isBlank() ? "Bearer " + accessToken : header);
  }

  /**
   * Authenticates an {@code /api} call: 401 without or with an unknown key, 403 when it names
   * (with {@code ?tenant=}) a tenant other than its key's.
   */
  void authenticate(RoutingContext ctx) {
    String tenant;
    try {
      tenant = authenticate(authenticator, ctx.request().getHeader("Authorization"),
          ctx.queryParams().get("access_token"));
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
    Future.fromCompletionStage(reader.findByTrace(ctx.get(TENANT), traceId), context)
        .onFailure(e -> HttpErrors.send(ctx, 503, "store unavailable: " + e.getMessage()))
        .onSuccess(
            records -> {
              if (records.isEmpty()) {
                HttpErrors.send(ctx, 404, "no records for trace " + traceId);
                return;
              }
              Object body = view.equals(VIEW_LEGACY) ? LegacyTraceView.of(records) : withTotals(traceId, records);
              sendJson(ctx, body);
            });
  }

  /**
   * {@code GET /api/traces?sessionId=|agentId=&from=&to=&limit=&cursor=}: trace summaries,
   * newest first; {@code nextCursor} fetches the next page. {@code from}/{@code to} are ISO-8601
   * instants or UTC dates (a date {@code to} includes that day).
   */
  void listTraces(RoutingContext ctx) {
    TraceQuery query;
    try {
      var p = ctx.queryParams();
      Instant from = p.get("from") == null ? null : instant(p.get("from"), false);
      Instant to = p.get("to") == null ? null : instant(p.get("to"), true);
      int limit = p.get("limit") == null ? TraceQuery.DEFAULT_LIMIT : Integer.parseInt(p.get("limit"));
      query = new TraceQuery(blankToNull(p.get("sessionId")), blankToNull(p.get("agentId")), from, to,
          limit, blankToNull(p.get("cursor")));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    Future.fromCompletionStage(reader.listTraces(ctx.get(TENANT), query), context)
        .onFailure(e -> HttpErrors.send(ctx, e instanceof IllegalArgumentException ? 400 : 503,
            e instanceof IllegalArgumentException ? e.getMessage() : "store unavailable: " + e.getMessage()))
        .onSuccess(page -> sendJson(ctx, page));
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
      to = p.get("to") == null ? LocalDate.now(clock.withZone(ZoneOffset.UTC)) : day(p.get("to"));
      from = p.get("from") == null ? to.minusDays(DEFAULT_USAGE_DAYS - 1) : day(p.get("from"));
      if (to.isBefore(from)) {
        throw new IllegalArgumentException("from must not be after to");
      }
    } catch (IllegalArgumentException | DateTimeParseException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    String tenant = ctx.get(TENANT);
    UsageReport.GroupBy g = groupBy;
    LocalDate f = from;
    LocalDate t = to;
    Future<List<io.tracebridge.store.UsageCell>> cells;
    try {
      cells = Future.fromCompletionStage(reader.usage(tenant, groupBy.source(), from, to), context);
    } catch (IllegalArgumentException e) {
      HttpErrors.send(ctx, 400, e.getMessage());
      return;
    }
    cells.onFailure(e -> HttpErrors.send(ctx, 503, "store unavailable: " + e.getMessage()))
        .onSuccess(list -> {
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

  private static void sendJson(RoutingContext ctx, Object body) {
    try {
      ctx.response()
          .putHeader("content-type", "application/json")
          .end(RecordJson.mapper().writeValueAsString(body));
    } catch (JsonProcessingException e) {
      HttpErrors.send(ctx, 500, "cannot serialise the answer: " + e.getOriginalMessage());
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
  private static Instant instant(String value, boolean end) {
    if (value.length() == 10) {
      LocalDate d = LocalDate.parse(value);
      return (end ? d.plusDays(1) : d).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
    return Instant.parse(value);
  }

  private static LocalDate day(String value) {
    return value.length() == 10 ? LocalDate.parse(value) : LocalDate.ofInstant(Instant.parse(value), ZoneOffset.UTC);
  }

  @Nullable
  private static String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
