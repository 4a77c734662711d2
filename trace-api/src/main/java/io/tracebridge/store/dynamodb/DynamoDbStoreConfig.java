package io.tracebridge.store.dynamodb;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Validated, immutable configuration of a {@link DynamoDbTraceStore}. Start from {@link
 * #builder()}; {@link Builder#build()} rejects bad values with a message naming the option.
 */
public final class DynamoDbStoreConfig {
  public static final String DEFAULT_TABLE_NAME = "tracebridge-records";
  public static final boolean DEFAULT_CREATE_TABLE_IF_MISSING = true;
  public static final int DEFAULT_WRITE_THREADS = 4;
  /**
   * The pool a node talking to a remote table runs with ({@code tracebridge receiver} / {@code
   * web}, {@code --store-threads}): each DynamoDB call takes milliseconds there, so a node needs many
   * in flight to be bound by the table rather than by latency (64 calls of 5 ms: about 12,800
   * calls/s). {@link #DEFAULT_WRITE_THREADS} stays the library's default, for an in-process store.
   */
  public static final int NODE_WRITE_THREADS = 64;
  public static final int DEFAULT_QUEUE_CAPACITY = 1024;
  public static final int DEFAULT_MAX_RETRIES = 5;
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofMillis(50);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(5);
  public static final Duration DEFAULT_TABLE_READY_TIMEOUT = Duration.ofMinutes(2);
  public static final Duration DEFAULT_MAX_STAMP_AGE = Duration.ofSeconds(2);
  public static final boolean DEFAULT_REPAIR_USAGE = true;
  public static final Duration DEFAULT_USAGE_REPAIR_INTERVAL = Duration.ofMinutes(1);
  public static final Duration DEFAULT_USAGE_REPAIR_GRACE = Duration.ofMinutes(1);

  private static final Pattern TABLE_NAME = Pattern.compile("[a-zA-Z0-9_.-]{3,255}");

  private final String tableName;
  private final boolean createTableIfMissing;
  private final int writeThreads;
  private final int queueCapacity;
  private final int maxRetries;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Duration tableReadyTimeout;
  private final Duration maxStampAge;
  private final boolean repairUsage;
  private final Duration usageRepairInterval;
  private final Duration usageRepairGrace;

  private DynamoDbStoreConfig(Builder b) {
    this.tableName = b.tableName;
    this.createTableIfMissing = b.createTableIfMissing;
    this.writeThreads = b.writeThreads;
    this.queueCapacity = b.queueCapacity;
    this.maxRetries = b.maxRetries;
    this.initialBackoff = b.initialBackoff;
    this.maxBackoff = b.maxBackoff;
    this.tableReadyTimeout = b.tableReadyTimeout;
    this.maxStampAge = b.maxStampAge;
    this.repairUsage = b.repairUsage;
    this.usageRepairInterval = b.usageRepairInterval;
    this.usageRepairGrace = b.usageRepairGrace;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configuration with every option at its default. */
  public static DynamoDbStoreConfig defaults() {
    return builder().build();
  }

  public Builder toBuilder() {
    return builder()
        .tableName(tableName)
        .createTableIfMissing(createTableIfMissing)
        .writeThreads(writeThreads)
        .queueCapacity(queueCapacity)
        .maxRetries(maxRetries)
        .initialBackoff(initialBackoff)
        .maxBackoff(maxBackoff)
        .tableReadyTimeout(tableReadyTimeout)
        .maxStampAge(maxStampAge)
        .repairUsage(repairUsage)
        .usageRepairInterval(usageRepairInterval)
        .usageRepairGrace(usageRepairGrace);
  }

  /** The table records are kept in. */
  public String tableName() {
    return tableName;
  }

  /** Whether {@link DynamoDbTraceStore#ensureTable()} creates a missing table (else it fails). */
  public boolean createTableIfMissing() {
    return createTableIfMissing;
  }

  /** Size of the store's worker pool: how many DynamoDB calls run at once. */
  public int writeThreads() {
    return writeThreads;
  }

  /** How many operations may wait for a worker; beyond it calls fail fast as retryable. */
  public int queueCapacity() {
    return queueCapacity;
  }

  /** Retries of a batch write after the first attempt, for unprocessed items and retryable errors. */
  public int maxRetries() {
    return maxRetries;
  }

  /** Backoff before the first retry; it doubles per retry, with jitter, up to {@link #maxBackoff()}. */
  public Duration initialBackoff() {
    return initialBackoff;
  }

  /** The longest backoff between two retries. */
  public Duration maxBackoff() {
    return maxBackoff;
  }

  /** How long {@link DynamoDbTraceStore#ensureTable()} waits for the table to become ACTIVE. */
  public Duration tableReadyTimeout() {
    return tableReadyTimeout;
  }

  /**
   * The longest time from stamping a record's ingest sequence to the write being acknowledged;
   * a write that took longer is stamped again, so that readers can treat sequences older than
   * their settle window as closed (README, "Cursors").
   */
  public Duration maxStampAge() {
    return maxStampAge;
  }

  /**
   * Whether the store counts the usage crashed writers left uncounted ({@link UsageRepair}), at
   * start-up and every {@link #usageRepairInterval()}. It writes: a read-only node (a web node with
   * read-only access) turns it off and leaves it to the writers.
   */
  public boolean repairUsage() {
    return repairUsage;
  }

  /**
   * How often the store looks for records whose usage a crashed writer left uncounted ({@link
   * UsageRepair}); zero: only once, at start-up.
   */
  public Duration usageRepairInterval() {
    return usageRepairInterval;
  }

  /**
   * How old a record's write must be before a scheduled repair counts it in place of its writer
   * (a writer normally counts within milliseconds; the grace keeps the repair out of its way).
   * The repair at start-up takes every pending record, whatever its age.
   */
  public Duration usageRepairGrace() {
    return usageRepairGrace;
  }

  @Override
  public String toString() {
    return "DynamoDbStoreConfig{tableName=" + tableName
        + ", createTableIfMissing=" + createTableIfMissing
        + ", writeThreads=" + writeThreads
        + ", queueCapacity=" + queueCapacity
        + ", maxRetries=" + maxRetries
        + ", initialBackoff=" + initialBackoff
        + ", maxBackoff=" + maxBackoff
        + ", tableReadyTimeout=" + tableReadyTimeout
        + ", maxStampAge=" + maxStampAge
        + ", repairUsage=" + repairUsage
        + ", usageRepairInterval=" + usageRepairInterval
        + ", usageRepairGrace=" + usageRepairGrace
        + "}";
  }

  /** Mutable, not thread-safe builder; {@link #build()} validates. */
  public static final class Builder {
    private String tableName = DEFAULT_TABLE_NAME;
    private boolean createTableIfMissing = DEFAULT_CREATE_TABLE_IF_MISSING;
    private int writeThreads = DEFAULT_WRITE_THREADS;
    private int queueCapacity = DEFAULT_QUEUE_CAPACITY;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration initialBackoff = DEFAULT_INITIAL_BACKOFF;
    private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
    private Duration tableReadyTimeout = DEFAULT_TABLE_READY_TIMEOUT;
    private Duration maxStampAge = DEFAULT_MAX_STAMP_AGE;
    private boolean repairUsage = DEFAULT_REPAIR_USAGE;
    private Duration usageRepairInterval = DEFAULT_USAGE_REPAIR_INTERVAL;
    private Duration usageRepairGrace = DEFAULT_USAGE_REPAIR_GRACE;

    private Builder() {}

    public Builder repairUsage(boolean repairUsage) {
      this.repairUsage = repairUsage;
      return this;
    }

    public Builder usageRepairInterval(Duration usageRepairInterval) {
      this.usageRepairInterval = Objects.requireNonNull(usageRepairInterval, "usageRepairInterval");
      return this;
    }

    public Builder usageRepairGrace(Duration usageRepairGrace) {
      this.usageRepairGrace = Objects.requireNonNull(usageRepairGrace, "usageRepairGrace");
      return this;
    }

    public Builder maxStampAge(Duration maxStampAge) {
      this.maxStampAge = Objects.requireNonNull(maxStampAge, "maxStampAge");
      return this;
    }

    public Builder tableName(String tableName) {
      this.tableName = Objects.requireNonNull(tableName, "tableName");
      return this;
    }

    public Builder createTableIfMissing(boolean createTableIfMissing) {
      this.createTableIfMissing = createTableIfMissing;
      return this;
    }

    public Builder writeThreads(int writeThreads) {
      this.writeThreads = writeThreads;
      return this;
    }

    public Builder queueCapacity(int queueCapacity) {
      this.queueCapacity = queueCapacity;
      return this;
    }

    public Builder maxRetries(int maxRetries) {
      this.maxRetries = maxRetries;
      return this;
    }

    public Builder initialBackoff(Duration initialBackoff) {
      this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
      return this;
    }

    public Builder maxBackoff(Duration maxBackoff) {
      this.maxBackoff = Objects.requireNonNull(maxBackoff, "maxBackoff");
      return this;
    }

    public Builder tableReadyTimeout(Duration tableReadyTimeout) {
      this.tableReadyTimeout = Objects.requireNonNull(tableReadyTimeout, "tableReadyTimeout");
      return this;
    }

    /**
     * The validated configuration.
     *
     * @throws IllegalArgumentException naming the first option with a bad value
     */
    public DynamoDbStoreConfig build() {
      check(TABLE_NAME.matcher(tableName).matches(),
          "tableName must be 3 to 255 characters of a-z, A-Z, 0-9, '_', '-', '.': '" + tableName + "'");
      check(writeThreads >= 1, "writeThreads must be at least 1: " + writeThreads);
      check(queueCapacity >= 1, "queueCapacity must be at least 1: " + queueCapacity);
      check(maxRetries >= 0, "maxRetries must not be negative: " + maxRetries);
      check(!initialBackoff.isNegative() && !initialBackoff.isZero(),
          "initialBackoff must be positive: " + initialBackoff);
      check(maxBackoff.compareTo(initialBackoff) >= 0,
          "maxBackoff must be at least initialBackoff (" + initialBackoff + "): " + maxBackoff);
      check(!tableReadyTimeout.isNegative() && !tableReadyTimeout.isZero(),
          "tableReadyTimeout must be positive: " + tableReadyTimeout);
      check(!maxStampAge.isNegative() && !maxStampAge.isZero(),
          "maxStampAge must be positive: " + maxStampAge);
      check(!usageRepairInterval.isNegative(),
          "usageRepairInterval must not be negative: " + usageRepairInterval);
      check(!usageRepairGrace.isNegative(), "usageRepairGrace must not be negative: " + usageRepairGrace);
      return new DynamoDbStoreConfig(this);
    }

    private static void check(boolean ok, String message) {
      if (!ok) {
        throw new IllegalArgumentException(message);
      }
    }
  }
}
