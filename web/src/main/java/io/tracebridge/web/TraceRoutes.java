package io.tracebridge.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.mapper.TraceUsage;
import io.tracebridge.mapper.legacy.LegacyTraceView;
import io.tracebridge.store.TraceReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** REST handlers over the trace reader. Every handler answers JSON, errors included. */
final class TraceRoutes {
  private static final String VIEW_RECORDS = "records";
  private static final String VIEW_LEGACY = "legacy";

  private final TraceReader reader;
  private final String tenant;
  private final Context context;

  TraceRoutes(TraceReader reader, String tenant, Context context) {
    this.reader = reader;
    this.tenant = tenant;
    this.context = context;
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
    Future.fromCompletionStage(reader.findByTrace(tenant, traceId), context)
        .onFailure(e -> HttpErrors.send(ctx, 503, "store unavailable: " + e.getMessage()))
        .onSuccess(
            records -> {
              if (records.isEmpty()) {
                HttpErrors.send(ctx, 404, "no records for trace " + traceId);
                return;
              }
              try {
                Object body = view.equals(VIEW_LEGACY) ? LegacyTraceView.of(records) : withTotals(traceId, records);
                ctx.response()
                    .putHeader("content-type", "application/json")
                    .end(RecordJson.mapper().writeValueAsString(body));
              } catch (JsonProcessingException e) {
                HttpErrors.send(ctx, 500, "cannot serialise trace: " + e.getOriginalMessage());
              }
            });
  }

  private static ObjectNode withTotals(String traceId, List<FunctionalRecord> records) {
    ObjectNode body = RecordJson.mapper().createObjectNode();
    body.put("traceId", traceId);
    body.put("xrayTraceId", TraceIds.toXray(traceId));
    body.set("usage", RecordJson.mapper().valueToTree(TraceUsage.total(records)));
    body.set("records", RecordJson.mapper().valueToTree(records));
    return body;
  }
}
