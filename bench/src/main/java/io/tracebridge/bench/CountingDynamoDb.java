package io.tracebridge.bench;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Proxy;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import javax.annotation.Nullable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A {@link DynamoDbClient} that counts what passes through it, per operation: calls, failed calls,
 * items written, write units (as DynamoDB would bill them, estimated from item sizes: one unit per
 * started KB per item, twice that in a transaction) and the capacity the engine reports
 * (requests ask for {@code ReturnConsumedCapacity TOTAL}). Also the calls in flight (now, most,
 * and the time-average via the summed call durations) and, if asked, every record item ({@code
 * REC#} sort key) written, for replaying the same items elsewhere.
 *
 * <p>A {@link Proxy} over the interface rather than an SDK interceptor, so that it also counts the
 * embedded DynamoDB Local client, which is not built by the SDK's builder. Consumer-builder calls
 * are turned into request objects first, so each call is counted once whichever form the caller
 * used. Thread-safe.
 */
final class CountingDynamoDb implements InvocationHandler {
  private static final java.util.Set<String> WITH_CAPACITY = java.util.Set.of("putItem",
      "updateItem", "deleteItem", "getItem", "batchGetItem", "batchWriteItem",
      "transactWriteItems", "transactGetItems", "query", "scan");

  private final DynamoDbClient delegate;
  private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> failures = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> itemsWritten = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> estimatedWcu = new ConcurrentHashMap<>();
  private final Map<String, DoubleAdder> reportedCapacity = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final LongAdder callNanos = new LongAdder();
  private volatile @Nullable Consumer<Map<String, AttributeValue>> recordItems;

  private CountingDynamoDb(DynamoDbClient delegate) {
    this.delegate = delegate;
  }

  /** A counting client over {@code delegate} and its counter. */
  static CountingDynamoDb over(DynamoDbClient delegate) {
    return new CountingDynamoDb(delegate);
  }

  DynamoDbClient client() {
    return (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
        new Class<?>[] {DynamoDbClient.class}, this);
  }

  /** Every record item written from now on goes to {@code sink} (null: none). */
  void captureRecordItems(@Nullable Consumer<Map<String, AttributeValue>> sink) {
    this.recordItems = sink;
  }

  /** A copy of the counts so far. */
  Snapshot snapshot() {
    return new Snapshot(System.nanoTime(), copy(calls), copy(failures), copy(itemsWritten),
        copyD(estimatedWcu), copyD(reportedCapacity), callNanos.sum(), maxInFlight.get());
  }

  int inFlight() {
    return inFlight.get();
  }

  /** Resets the most calls in flight seen (the other counts are read as differences). */
  void resetMaxInFlight() {
    maxInFlight.set(inFlight.get());
  }

  @Override
  public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
    if (method.getDeclaringClass() == Object.class) {
      return switch (method.getName()) {
        case "equals" -> proxy == args[0];
        case "hashCode" -> System.identityHashCode(proxy);
        default -> "CountingDynamoDb(" + delegate + ")";
      };
    }
    String name = method.getName();
    if (args == null || args.length != 1 || name.endsWith("Paginator")
        || name.equals("serviceClientConfiguration")) {
      return call(method, args);
    }
    Object request = args[0];
    Method target = method;
    if (request instanceof Consumer<?> mutation) {
      Class<?> requestClass = requestClassOf(method);
      Object builder = requestClass.getMethod("builder").invoke(null);
      @SuppressWarnings("unchecked")
      Consumer<Object> apply = (Consumer<Object>) mutation;
      apply.accept(builder);
      request = ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) builder).build();
      target = DynamoDbClient.class.getMethod(name, requestClass);
    }
    if (WITH_CAPACITY.contains(name)) {
      request = withCapacity(request);
    }
    countWrites(name, request);
    calls.computeIfAbsent(name, k -> new LongAdder()).increment();
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    long start = System.nanoTime();
    try {
      Object response = call(target, new Object[] {request});
      countCapacity(name, response);
      return response;
    } catch (Throwable e) {
      failures.computeIfAbsent(name, k -> new LongAdder()).increment();
      throw e;
    } finally {
      callNanos.add(System.nanoTime() - start);
      inFlight.decrementAndGet();
    }
  }

  private Object call(Method method, Object[] args) throws Throwable {
    try {
      return method.invoke(delegate, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static Class<?> requestClassOf(Method method) {
    Type type = method.getGenericParameterTypes()[0];
    Type builderType = ((ParameterizedType) type).getActualTypeArguments()[0];
    Class<?> builder = (Class<?>) builderType; // e.g. PutItemRequest.Builder
    return builder.getEnclosingClass();
  }

  private static Object withCapacity(Object request) throws ReflectiveOperationException {
    Object builder =
        ((software.amazon.awssdk.utils.builder.ToCopyableBuilder<?, ?>) request).toBuilder();
    Class<?> builderInterface = Class.forName(request.getClass().getName() + "$Builder");
    builderInterface.getMethod("returnConsumedCapacity", ReturnConsumedCapacity.class)
        .invoke(builder, ReturnConsumedCapacity.TOTAL);
    return ((software.amazon.awssdk.utils.builder.SdkBuilder<?, ?>) builder).build();
  }

  private void countWrites(String name, Object request) {
    switch (name) {
      case "putItem" -> {
        Map<String, AttributeValue> item = ((PutItemRequest) request).item();
        written(name, item, 1);
      }
      case "updateItem", "deleteItem" -> {
        itemsWritten.computeIfAbsent(name, k -> new LongAdder()).increment();
        // An update's size is the item's after the update, unknown here: count one unit.
        estimatedWcu.computeIfAbsent(name, k -> new DoubleAdder()).add(1);
      }
      case "batchWriteItem" -> {
        for (List<WriteRequest> writes : ((BatchWriteItemRequest) request).requestItems().values()) {
          for (WriteRequest w : writes) {
            if (w.putRequest() != null) {
              written(name, w.putRequest().item(), 1);
            } else {
              itemsWritten.computeIfAbsent(name, k -> new LongAdder()).increment();
              estimatedWcu.computeIfAbsent(name, k -> new DoubleAdder()).add(1);
            }
          }
        }
      }
      case "transactWriteItems" -> {
        for (TransactWriteItem t : ((TransactWriteItemsRequest) request).transactItems()) {
          if (t.put() != null) {
            written(name, t.put().item(), 2);
          } else {
            itemsWritten.computeIfAbsent(name, k -> new LongAdder()).increment();
            estimatedWcu.computeIfAbsent(name, k -> new DoubleAdder()).add(2);
          }
        }
      }
      default -> { }
    }
  }

  private void written(String name, Map<String, AttributeValue> item, int unitsPerKb) {
    itemsWritten.computeIfAbsent(name, k -> new LongAdder()).increment();
    estimatedWcu.computeIfAbsent(name, k -> new DoubleAdder())
        .add(unitsPerKb * Math.max(1, Math.ceil(itemSize(item) / 1024.0)));
    Consumer<Map<String, AttributeValue>> sink = recordItems;
    AttributeValue sk = item.get("sk");
    if (sink != null && sk != null && sk.s() != null && sk.s().startsWith("REC#")) {
      sink.accept(item);
    }
  }

  private void countCapacity(String name, Object response) {
    double units = 0;
    try {
      Object capacity = response.getClass().getMethod("consumedCapacity").invoke(response);
      if (capacity instanceof ConsumedCapacity c && c.capacityUnits() != null) {
        units = c.capacityUnits();
      } else if (capacity instanceof List<?> list) {
        for (Object o : list) {
          if (o instanceof ConsumedCapacity c && c.capacityUnits() != null) {
            units += c.capacityUnits();
          }
        }
      }
    } catch (ReflectiveOperationException e) {
      return;
    }
    if (units > 0) {
      reportedCapacity.computeIfAbsent(name, k -> new DoubleAdder()).add(units);
    }
  }

  /** DynamoDB's item size: attribute names plus values (UTF-8 strings, ~numbers, nested). */
  static long itemSize(Map<String, AttributeValue> item) {
    long size = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      size += e.getKey().getBytes(StandardCharsets.UTF_8).length + valueSize(e.getValue());
    }
    return size;
  }

  private static long valueSize(AttributeValue v) {
    if (v.s() != null) {
      return v.s().getBytes(StandardCharsets.UTF_8).length;
    }
    if (v.n() != null) {
      return v.n().length() / 2 + 2;
    }
    if (v.b() != null) {
      return v.b().asByteArray().length;
    }
    if (v.hasM()) {
      return 3 + v.m().size() + itemSize(v.m());
    }
    if (v.hasL()) {
      long size = 3 + v.l().size();
      for (AttributeValue e : v.l()) {
        size += valueSize(e);
      }
      return size;
    }
    if (v.hasSs()) {
      return v.ss().stream().mapToLong(s -> s.getBytes(StandardCharsets.UTF_8).length).sum();
    }
    return 1; // BOOL, NULL
  }

  private static Map<String, Long> copy(Map<String, LongAdder> m) {
    Map<String, Long> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  private static Map<String, Double> copyD(Map<String, DoubleAdder> m) {
    Map<String, Double> out = new TreeMap<>();
    m.forEach((k, v) -> out.put(k, v.sum()));
    return out;
  }

  /** Counts at one moment; differences of two give a phase's. */
  record Snapshot(long nanos, Map<String, Long> calls, Map<String, Long> failures,
      Map<String, Long> itemsWritten, Map<String, Double> estimatedWcu,
      Map<String, Double> reportedCapacity, long callNanos, int maxInFlight) {

    Snapshot minus(Snapshot earlier) {
      return new Snapshot(nanos - earlier.nanos, diff(calls, earlier.calls),
          diff(failures, earlier.failures), diff(itemsWritten, earlier.itemsWritten),
          diffD(estimatedWcu, earlier.estimatedWcu),
          diffD(reportedCapacity, earlier.reportedCapacity), callNanos - earlier.callNanos,
          maxInFlight);
    }

    long totalCalls() {
      return calls.values().stream().mapToLong(Long::longValue).sum();
    }

    long totalItemsWritten() {
      return itemsWritten.values().stream().mapToLong(Long::longValue).sum();
    }

    double totalEstimatedWcu() {
      return estimatedWcu.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    double totalReportedCapacity() {
      return reportedCapacity.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    /** Mean calls in flight over this (difference) snapshot's wall time. */
    double meanInFlight() {
      return nanos <= 0 ? 0 : callNanos / (double) nanos;
    }

    /** One line per operation: calls, failures, items written, estimated WCU, reported units. */
    String table(double per, String perWhat) {
      StringBuilder out = new StringBuilder(String.format(
          "  %-20s %12s %10s %14s %14s %16s%n", "operation", "calls" + perWhat, "failed",
          "items written", "est. WCU", "reported units"));
      for (String op : calls.keySet()) {
        out.append(String.format("  %-20s %12.2f %10d %14.2f %14.2f %16.2f%n", op,
            calls.get(op) / per, failures.getOrDefault(op, 0L),
            itemsWritten.getOrDefault(op, 0L) / per, estimatedWcu.getOrDefault(op, 0.0) / per,
            reportedCapacity.getOrDefault(op, 0.0) / per));
      }
      out.append(String.format("  %-20s %12.2f %10s %14.2f %14.2f %16.2f%n", "total",
          totalCalls() / per, "", totalItemsWritten() / per, totalEstimatedWcu() / per,
          totalReportedCapacity() / per));
      return out.toString();
    }

    private static Map<String, Long> diff(Map<String, Long> a, Map<String, Long> b) {
      Map<String, Long> out = new TreeMap<>();
      a.forEach((k, v) -> {
        long d = v - b.getOrDefault(k, 0L);
        if (d != 0) {
          out.put(k, d);
        }
      });
      return out;
    }

    private static Map<String, Double> diffD(Map<String, Double> a, Map<String, Double> b) {
      Map<String, Double> out = new TreeMap<>();
      a.forEach((k, v) -> {
        double d = v - b.getOrDefault(k, 0.0);
        if (d != 0) {
          out.put(k, d);
        }
      });
      return out;
    }
  }
}
