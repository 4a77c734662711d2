/**
 * The legacy view: records in the shape of the old Bedrock Agents trace schema, as the seed's
 * {@code convert_spans_to_traces} produced it, so existing clients keep working.
 *
 * <p>{@link io.tracebridge.mapper.legacy.LegacyTraceView} maps records one to one into {@link
 * io.tracebridge.mapper.legacy.LegacyTrace}. Pure and thread-safe.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.mapper.legacy;

import javax.annotation.ParametersAreNonnullByDefault;
