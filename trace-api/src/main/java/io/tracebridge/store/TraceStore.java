package io.tracebridge.store;

/** A store that both receives records and answers queries over them. */
public interface TraceStore extends TraceSink, TraceReader {}
