package io.tracebridge.store.dynamodb;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * A real {@link DynamoDbClient} (DynamoDB Local's, say) seen through a dynamic proxy that counts
 * the calls made on it per operation and asks every call that can report it for its consumed
 * capacity ({@code ReturnConsumedCapacity.TOTAL}), summing the read and write units DynamoDB
 * reports: what a run of the store costs, for tests that pin that cost. Not a mock: every call is
 * forwarded unchanged but for that flag. Thread-safe.
 */
public final class CountingDynamoDbClient implements InvocationHandler {
  private final DynamoDbClient delegate;
  private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
  private final DoubleAdder writeUnits = new DoubleAdder();
  private final DoubleAdder readUnits = new DoubleAdder();
  private final Map<String, DoubleAdder> unitsByOperation = new ConcurrentHashMap<>();

  private CountingDynamoDbClient(DynamoDbClient delegate) {
    this.delegate = delegate;
  }

  /** The counting view of {@code delegate}, and the counter behind it. */
  public static CountingDynamoDbClient over(DynamoDbClient delegate) {
    return new CountingDynamoDbClient(delegate);
  }

  /** The client to give the store: every call goes to the delegate and is counted here. */
  public DynamoDbClient client() {
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, this);
  }

  /** Calls per operation (the client's method name: {@code putItem}, {@code batchWriteItem}, ...), sorted. */
  public Map<String, Long> calls() {
    Map<String, Long> copy = new TreeMap<>();
    calls.forEach((op, n) -> copy.put(op, n.get()));
    return copy;
  }

  /** All calls counted. */
  public long totalCalls() {
    return calls.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** Write capacity units DynamoDB reported (table and indexes). */
  public double writeUnits() {
    return writeUnits.sum();
  }

  /** Read capacity units DynamoDB reported. */
  public double readUnits() {
    return readUnits.sum();
  }

  /** Capacity units (read or write) DynamoDB reported per operation, sorted. */
  public Map<String, Double> unitsByOperation() {
    Map<String, Double> copy = new TreeMap<>();
    unitsByOperation.forEach((op, n) -> copy.put(op, n.sum()));
    return copy;
  }

  /** Forgets what was counted so far. */
  public void reset() {
    calls.clear();
    unitsByOperation.clear();
    writeUnits.reset();
    readUnits.reset();
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (args != null && args.length == 1 && args[0] instanceof java.util.function.Consumer<?>) {
      // A consumer-builder overload: it builds the request and calls the request overload here.
      return InvocationHandler.invokeDefault(proxy, method, args);
    }
    Object[] forwarded = args;
    if (args != null && args.length == 1 && args[0] instanceof DynamoDbRequest request) {
      calls.computeIfAbsent(method.getName(), k -> new AtomicLong()).incrementAndGet();
      forwarded = new Object[] {withCapacity(request)};
    }
    Object result;
    try {
      result = method.invoke(delegate, forwarded);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
    account(method.getName(), result);
    return result;
  }

  private static Object withCapacity(DynamoDbRequest request) throws Exception {
    Object builder = request.toBuilder();
    try {
      Method set = builder.getClass().getMethod("returnConsumedCapacity", ReturnConsumedCapacity.class);
      set.setAccessible(true);
      set.invoke(builder, ReturnConsumedCapacity.TOTAL);
      Method build = builder.getClass().getMethod("build");
      build.setAccessible(true);
      return build.invoke(builder);
    } catch (NoSuchMethodException notReported) {
      return request;
    }
  }

  private void account(String operation, Object response) {
    if (response == null) {
      return;
    }
    Object consumed;
    try {
      Method get = response.getClass().getMethod("consumedCapacity");
      get.setAccessible(true);
      consumed = get.invoke(response);
    } catch (ReflectiveOperationException notReported) {
      return;
    }
    boolean read = operation.startsWith("get") || operation.startsWith("batchGet")
        || operation.startsWith("query") || operation.startsWith("scan")
        || operation.startsWith("transactGet");
    if (consumed instanceof ConsumedCapacity c) {
      add(operation, c, read);
    } else if (consumed instanceof List<?> list) {
      list.forEach(c -> add(operation, (ConsumedCapacity) c, read));
    }
  }

  /** The total of one call (table and indexes), as read or write units by its operation. */
  private void add(String operation, ConsumedCapacity c, boolean read) {
    if (c.capacityUnits() != null) {
      (read ? readUnits : writeUnits).add(c.capacityUnits());
      unitsByOperation.computeIfAbsent(operation, k -> new DoubleAdder()).add(c.capacityUnits());
    }
  }

  @Override
  public String toString() {
    return calls() + String.format(" WCU=%.1f RCU=%.1f", writeUnits(), readUnits());
  }
}
