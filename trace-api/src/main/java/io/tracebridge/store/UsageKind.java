package io.tracebridge.store;

/**
 * The usage aggregates a store keeps per (tenant, UTC day, value, model), updated at write time.
 * {@link #TENANT} (value = the tenant) answers grouping by tenant, model and day; the others by
 * agent, session and trace.
 */
public enum UsageKind {
  TENANT,
  AGENT,
  SESSION,
  TRACE;

  public String key() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
