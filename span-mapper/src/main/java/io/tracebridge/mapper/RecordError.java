package io.tracebridge.mapper;

import javax.annotation.Nullable;

/**
 * What went wrong in an {@code error} record, or the error a run ended with on its {@code
 * response} record: a type and a message.
 */
public record RecordError(@Nullable String type, @Nullable String message) {}
