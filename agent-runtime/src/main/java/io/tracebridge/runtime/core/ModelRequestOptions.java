package io.tracebridge.runtime.core;

/** Per-call inference options; grows (temperature, stop sequences) as models need them. */
public record ModelRequestOptions(int maxTokens) {
  public ModelRequestOptions {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("maxTokens must be >= 1, got " + maxTokens);
    }
  }
}
