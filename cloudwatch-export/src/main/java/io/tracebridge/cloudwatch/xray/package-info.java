/**
 * The X-Ray side: typed segment documents ({@link io.tracebridge.cloudwatch.xray.Segment} and
 * friends, serialised with Jackson through {@link io.tracebridge.cloudwatch.xray.SegmentJson}) and
 * {@link io.tracebridge.cloudwatch.xray.XRaySegmentSender}, which sends them in batches of at most
 * 50 per {@code PutTraceSegments} and retries unprocessed segments.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch.xray;

import javax.annotation.ParametersAreNonnullByDefault;
