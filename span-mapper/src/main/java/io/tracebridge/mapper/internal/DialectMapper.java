package io.tracebridge.mapper.internal;

import io.tracebridge.mapper.FunctionalRecord;
import java.util.List;

/**
 * Reads one input convention ({@link io.tracebridge.mapper.Dialect}) off a span.
 *
 * <p>Implementations are stateless and thread-safe, never throw on odd attribute values (they
 * report them through {@link SpanView#onOddValue()}), and return an empty list for a span that
 * does not use their convention.
 */
interface DialectMapper {
  List<FunctionalRecord> map(SpanView span);
}
