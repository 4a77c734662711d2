package io.tracebridge.receiver;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.StoredSpan;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Each record's agent and session from the span tree: the nearest agent span at or above the
 * record's span ({@code invoke_agent}, nested agents included; never a sibling's or a child's),
 * and the nearest session id at or above it. Pure and thread-safe.
 *
 * <p>A record whose chain of spans reaches an agent span is <b>resolved</b>: it takes that agent
 * (id and name) whatever it had. The answer cannot change later, since parent links are fixed. A
 * chain that reaches a root without an agent is resolved too, and the record keeps its own
 * values. A chain broken by a span that has not arrived leaves the record as it is
 * (provisional): the pass that brings the missing span re-attributes it. The session is found
 * the same way, from the first span on the chain that carries one.
 */
final class TraceAttribution {
  /** Longer chains are cut (a cycle in bad input, or absurd depth): the record is left as it is. */
  static final int MAX_DEPTH = 512;

  private TraceAttribution() {}

  /** {@code records} re-attributed over {@code spans} (by span id); unchanged records are the same instances. */
  static List<FunctionalRecord> attribute(Collection<FunctionalRecord> records, Map<String, StoredSpan> spans) {
    List<FunctionalRecord> out = new ArrayList<>(records.size());
    for (FunctionalRecord r : records) {
      out.add(attribute(r, spans));
    }
    return out;
  }

  static FunctionalRecord attribute(FunctionalRecord r, Map<String, StoredSpan> spans) {
    StoredSpan agent = null;
    boolean agentResolved = false;
    String session = null;
    boolean sessionResolved = false;
    Set<String> seen = new HashSet<>();
    StoredSpan own = spans.get(r.spanId());
    // A record whose own span has not arrived (a log record, say) still knows its parent.
    String next = own == null ? r.parentSpanId() : r.spanId();
    if (own == null && (r.agentId() != null || r.agentName() != null)) {
      agentResolved = true; // its own span named an agent (the mapper read it off that span)
    }
    if (own == null && r.parentSpanId() == null) {
      agentResolved = true;
      sessionResolved = true;
    }
    while (next != null && (!agentResolved || !sessionResolved) && seen.size() < MAX_DEPTH && seen.add(next)) {
      StoredSpan span = spans.get(next);
      if (span == null) {
        break; // not arrived yet: what is still unresolved stays provisional
      }
      if (!agentResolved && span.isAgent()) {
        agent = span;
        agentResolved = true;
      }
      if (!sessionResolved && span.sessionId() != null) {
        session = span.sessionId();
        sessionResolved = true;
      }
      next = span.parentSpanId();
      if (next == null) {
        agentResolved = true; // the root: no agent above
        sessionResolved = true;
      }
    }
    String agentId = agent != null ? agent.agentId() : r.agentId();
    String agentName = agent != null ? agent.agentName() : r.agentName();
    String sessionId = session != null ? session : r.sessionId();
    if (Objects.equals(agentId, r.agentId()) && Objects.equals(agentName, r.agentName())
        && Objects.equals(sessionId, r.sessionId())) {
      return r;
    }
    return r.toBuilder().agentId(agentId).agentName(agentName).sessionId(sessionId).build();
  }
}
