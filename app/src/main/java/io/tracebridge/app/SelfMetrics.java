package io.tracebridge.app;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one Micrometer registry of a TraceBridge process, made by the role (its composition root)
 * and handed to everything that counts: the receiver ({@code ReceiverMetrics}), the web node and
 * the store ({@code WebMetrics}, {@code MeteredTraceStore}), the CloudWatch export ({@link
 * CloudWatchMetrics}). It carries the JVM binders (memory, GC, threads, class loading, processor,
 * uptime) and is served at {@code GET /metrics}.
 */
final class SelfMetrics {
  private SelfMetrics() {}

  /** A new registry with the JVM binders; the GC binder is closed by {@code lifecycle}. */
  static PrometheusMeterRegistry create(Lifecycle lifecycle) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    lifecycle.add(gc);
    lifecycle.add(registry::close);
    return registry;
  }
}
