package io.tracebridge.cloudwatch.xray.translator;

import com.google.protobuf.ByteString;
import io.tracebridge.cloudwatch.internal.Attrs;
import java.time.Duration;
import java.time.Instant;

/**
 * The X-Ray trace id of an OTLP span and X-Ray's timestamp rule (collector {@code segment.go}
 * {@code convertToAmazonTraceID}).
 *
 * <p>Form: span-mapper's {@link io.tracebridge.mapper.TraceIds#toXray}, the one conversion
 * TraceBridge has (the records' {@code xrayTraceId} is the same string): the 16-byte W3C id in
 * hex, split after 8 hex digits, {@code "1-" + hex[0:8] + "-" + hex[8:32]}. The first 8 hex
 * digits are read by X-Ray as the epoch second the trace started; that rule is X-Ray's only and
 * stays here.
 *
 * <p>Timestamp rule: the collector (while its gate {@code skiptimestampvalidation} is off) skips a
 * span whose epoch lies more than 28 days in the past or 5 minutes in the future. The current
 * PutTraceSegments documentation says the embedded time is no longer validated, so W3C random ids
 * work; we apply the rule only when configured ({@code validateTraceIdEpoch}) and then count the
 * span as skipped instead of dropping it silently.
 */
final class TraceIds {
  static final Duration MAX_AGE = Duration.ofDays(28);
  static final Duration MAX_SKEW = Duration.ofMinutes(5);

  private TraceIds() {}

  /** The X-Ray form of a valid 16-byte trace id. */
  static String toXRay(ByteString traceId) {
    return io.tracebridge.mapper.TraceIds.toXray(Attrs.hex(traceId));
  }

  /** True when the id's embedded epoch second lies within [now - 28 d, now + 5 min]. */
  static boolean epochWithinRange(ByteString traceId, Instant now) {
    long epochSecond = Long.parseLong(Attrs.hex(traceId).substring(0, 8), 16);
    return epochSecond >= now.minus(MAX_AGE).getEpochSecond()
        && epochSecond <= now.plus(MAX_SKEW).getEpochSecond();
  }
}
