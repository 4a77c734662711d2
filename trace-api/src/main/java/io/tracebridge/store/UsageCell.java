package io.tracebridge.store;

import io.tracebridge.mapper.Usage;
import java.time.LocalDate;

/** One usage aggregate: the tokens of {@code model} for {@code value} on {@code day} (UTC). */
public record UsageCell(LocalDate day, String value, String model, Usage usage) {}
