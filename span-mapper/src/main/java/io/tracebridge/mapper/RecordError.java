package io.tracebridge.mapper;

import javax.annotation.Nullable;

/** What went wrong in an {@code error} record (or a failed tool): a type and a message. */
public record RecordError(@Nullable String type, @Nullable String message) {}
