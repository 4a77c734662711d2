package io.tracebridge.store.memory;

import io.tracebridge.store.AbstractTraceStoreContractTest;
import io.tracebridge.store.TraceStore;

class InMemoryTraceStoreTest extends AbstractTraceStoreContractTest {
  @Override
  protected TraceStore newStore() {
    return new InMemoryTraceStore();
  }
}
