package io.tracebridge.mapper;

import javax.annotation.Nullable;

/**
 * A span the mapper could not read (it is rejected and counted in the OTLP partial-success
 * reply), or a softer problem with one it did read.
 *
 * @param traceId the span's trace id as hex, if it had one
 * @param spanId the span's id as hex, if it had one
 * @param reason what was wrong, in words a producer's developer can act on
 */
public record MappingIssue(@Nullable String traceId, @Nullable String spanId, String reason) {}
