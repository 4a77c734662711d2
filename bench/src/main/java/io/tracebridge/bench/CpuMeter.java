package io.tracebridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Process CPU time (the JVM's, all its threads: {@code OperatingSystemMXBean.getProcessCpuTime})
 * split into the Java threads a predicate calls the sender's and everything else. JVM-internal
 * threads (GC, JIT compilers) are not Java threads: they are in the process time and counted on
 * the receiver's side, as are Java threads that ended between two samples (the
 * conservative side for the receiver's figure).
 */
final class CpuMeter {
  private final com.sun.management.OperatingSystemMXBean os =
      (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final Predicate<String> isSender;

  CpuMeter(Predicate<String> isSender) {
    this.isSender = isSender;
    if (threads.isThreadCpuTimeSupported()) {
      threads.setThreadCpuTimeEnabled(true);
    }
  }

  /** CPU so far: the process's, and per live Java thread (by id, with its name). */
  Sample sample() {
    long[] ids = threads.getAllThreadIds();
    ThreadInfo[] infos = threads.getThreadInfo(ids);
    Map<Long, Long> cpu = new HashMap<>();
    Map<Long, String> names = new HashMap<>();
    for (int i = 0; i < ids.length; i++) {
      long t = threads.getThreadCpuTime(ids[i]);
      if (t >= 0 && infos[i] != null) {
        cpu.put(ids[i], t);
        names.put(ids[i], infos[i].getThreadName());
      }
    }
    return new Sample(System.nanoTime(), os.getProcessCpuTime(), cpu, names);
  }

  /** What {@code later - earlier} spent: process, sender threads, other Java threads. */
  Split between(Sample earlier, Sample later) {
    long sender = 0;
    long javaThreads = 0;
    for (Map.Entry<Long, Long> e : later.threadCpu().entrySet()) {
      long spent = e.getValue() - earlier.threadCpu().getOrDefault(e.getKey(), 0L);
      javaThreads += spent;
      if (isSender.test(later.names().get(e.getKey()))) {
        sender += spent;
      }
    }
    return new Split(later.wallNanos() - earlier.wallNanos(),
        later.processCpuNanos() - earlier.processCpuNanos(), sender, javaThreads);
  }

  /** CPU of the threads by name, summed over threads of one name pattern; for a look at who works. */
  Map<String, Long> byThreadGroup(Sample earlier, Sample later) {
    Map<String, Long> out = new java.util.TreeMap<>();
    for (Map.Entry<Long, Long> e : later.threadCpu().entrySet()) {
      long spent = e.getValue() - earlier.threadCpu().getOrDefault(e.getKey(), 0L);
      String group = later.names().get(e.getKey()).replaceAll("[0-9]+", "#");
      out.merge(group, spent, Long::sum);
    }
    return out;
  }

  record Sample(long wallNanos, long processCpuNanos, Map<Long, Long> threadCpu,
      Map<Long, String> names) {}

  /** Nanoseconds: wall, process CPU, the sender's Java threads, all Java threads. */
  record Split(long wallNanos, long processNanos, long senderNanos, long javaThreadNanos) {
    /** Everything but the sender's threads: receiver, store, GC and JIT. */
    long receiverNanos() {
      return processNanos - senderNanos;
    }

    /** CPU-seconds per 1,000 spans. */
    static double per1000(long nanos, long spans) {
      return spans == 0 ? Double.NaN : nanos / 1e9 / spans * 1000;
    }

    double cores() {
      return processNanos / (double) wallNanos;
    }
  }
}
