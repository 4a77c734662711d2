package io.tracebridge.app.config;

import io.tracebridge.http.GuardLimits;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.web.WebConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import javax.annotation.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The option groups the roles share, as picocli mixins: each setting is declared once here and
 * resolves the same way under every command ({@link SettingSources}). Each group turns itself into
 * the validated configuration of its component; a bad value fails with a {@link
 * CommandLine.ParameterException} naming the setting and where it came from.
 */
public final class RoleOptions {
  private RoleOptions() {}

  /** The address every listener of the role binds, and the optional configuration file. */
  public static final class Common {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--host", defaultValue = "127.0.0.1",
        description = "Address every listener of this role binds (default: ${DEFAULT-VALUE}; 0.0.0.0 for all).")
    public String host;

    @Option(names = SettingSources.CONFIG_OPTION, paramLabel = "FILE",
        description = "Properties file of settings (keys are the flag names without '--'); "
            + "flags and TRACEBRIDGE_* variables win over it.")
    @Nullable
    public Path config;

    /** Fails naming the setting when {@code ok} is false. */
    public void require(boolean ok, String option, String problem) {
      if (!ok) {
        throw invalid(spec, option, problem);
      }
    }
  }

  /** The DynamoDB table; the client itself follows the AWS SDK's standard environment. */
  public static final class Store {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--table", defaultValue = DynamoDbStoreConfig.DEFAULT_TABLE_NAME,
        description = "DynamoDB table of records (default: ${DEFAULT-VALUE}).")
    public String table;

    @Option(names = "--create-table", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Create the table if it is missing (default: ${DEFAULT-VALUE}); "
            + "--no-create-table expects it (made by infrastructure code) and fails fast if its keys or indexes are wrong.")
    public boolean createTable;

    @Option(names = "--store-threads", defaultValue = "" + DynamoDbStoreConfig.NODE_WRITE_THREADS,
        description = "DynamoDB calls in flight per node (default: ${DEFAULT-VALUE}).")
    public int writeThreads;

    @Option(names = "--store-queue", defaultValue = "" + DynamoDbStoreConfig.DEFAULT_QUEUE_CAPACITY,
        description = "Store operations waiting for a thread before exports are refused (default: ${DEFAULT-VALUE}).")
    public int queueCapacity;

    @Option(names = "--usage-repair-interval", defaultValue = "1m", converter = DurationConverter.class,
        description = "How often a writing node counts usage a crashed writer left uncounted; 0s: only at start-up"
            + " (default: ${DEFAULT-VALUE}).")
    public Duration usageRepairInterval;

    @Option(names = "--usage-repair-grace", defaultValue = "1m", converter = DurationConverter.class,
        description = "A scheduled usage repair takes only records written longer ago than this"
            + " (default: ${DEFAULT-VALUE}).")
    public Duration usageRepairGrace;

    public DynamoDbStoreConfig toConfig() {
      require(spec, writeThreads >= 1 && writeThreads <= 1024, "--store-threads", "must be 1..1024, was " + writeThreads);
      require(spec, queueCapacity >= 1, "--store-queue", "must be positive, was " + queueCapacity);
      require(spec, !usageRepairInterval.isNegative(), "--usage-repair-interval",
          "must not be negative, was " + usageRepairInterval);
      require(spec, !usageRepairGrace.isNegative(), "--usage-repair-grace",
          "must not be negative, was " + usageRepairGrace);
      try {
        return DynamoDbStoreConfig.builder()
            .tableName(table)
            .createTableIfMissing(createTable)
            .writeThreads(writeThreads)
            .queueCapacity(queueCapacity)
            .usageRepairInterval(usageRepairInterval)
            .usageRepairGrace(usageRepairGrace)
            .build();
      } catch (IllegalArgumentException e) {
        throw invalid(spec, "--table", e.getMessage());
      }
    }
  }

  /** Membership of the Vert.x cluster that carries live records between nodes. */
  public static final class Cluster {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--cluster-port", defaultValue = "5701",
        description = "Cluster (Hazelcast) member port; the next free one is taken if it is busy (default: ${DEFAULT-VALUE}).")
    public int port;

    @Option(names = "--cluster-bus-port", defaultValue = "0",
        description = "Port of the event bus that carries live records between nodes (default: ${DEFAULT-VALUE}, a free one; fix it where firewalls need to know).")
    public int busPort;

    @Option(names = "--cluster-join", defaultValue = "tcp",
        description = "How nodes find each other: tcp (the --cluster-members addresses), kubernetes "
            + "(Hazelcast's Kubernetes discovery) or aws (Hazelcast's ECS/EC2 discovery) (default: ${DEFAULT-VALUE}).")
    public Join join;

    @Option(names = "--cluster-members", defaultValue = "127.0.0.1", split = ",",
        description = "With tcp: where to look for other nodes, host or host:port, comma-separated "
            + "(default: ${DEFAULT-VALUE}, which finds the nodes of this machine on ports 5701-5703). "
            + "With kubernetes or aws: the discovery's properties as key=value "
            + "(e.g. service-dns=tracebridge.prod.svc.cluster.local; family=tracebridge).")
    public List<String> members;

    @Option(names = "--cluster-public-host",
        description = "Address other nodes reach this one at (default: the --host, or this machine's address when --host is 0.0.0.0).")
    @Nullable
    public String publicHost;

    public void validate() {
      require(spec, port > 0 && port <= 65_535, "--cluster-port", "must be 1..65535, was " + port);
      require(spec, validPort(busPort), "--cluster-bus-port", "must be 0..65535, was " + busPort);
      if (join == Join.TCP) {
        require(spec, !members.isEmpty() && members.stream().noneMatch(String::isBlank),
            "--cluster-members", "must list at least one host, was " + members);
      } else {
        require(spec, members.stream().allMatch(m -> m.equals("127.0.0.1") || m.matches("[a-z-]+=.+")),
            "--cluster-members", "with --cluster-join " + join.name().toLowerCase(java.util.Locale.ROOT)
                + " must be discovery properties key=value, was " + members);
      }
    }

    /** The discovery properties of a kubernetes or aws join ({@code key=value} members). */
    public java.util.Map<String, String> discoveryProperties() {
      java.util.Map<String, String> properties = new java.util.LinkedHashMap<>();
      for (String m : members) {
        int eq = m.indexOf('=');
        if (eq > 0) {
          properties.put(m.substring(0, eq), m.substring(eq + 1));
        }
      }
      return properties;
    }
  }

  /** How cluster members find each other. */
  public enum Join {
    /** A list of addresses (one machine, or a few stable hosts). */
    TCP,
    /** Hazelcast's Kubernetes discovery (DNS of a headless service, or the Kubernetes API). */
    KUBERNETES,
    /** Hazelcast's AWS discovery (the tasks of an ECS cluster, or EC2 instances by tag). */
    AWS
  }

  /** The OTLP receivers and their limits. */
  public static final class Receiver {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--grpc-port", defaultValue = "" + ReceiverConfig.DEFAULT_GRPC_PORT,
        description = "OTLP/gRPC port (default: ${DEFAULT-VALUE}).")
    public int grpcPort;

    @Option(names = "--http-port", defaultValue = "" + ReceiverConfig.DEFAULT_HTTP_PORT,
        description = "OTLP/HTTP port (default: ${DEFAULT-VALUE}).")
    public int httpPort;

    @Option(names = "--max-exports-in-flight", defaultValue = "" + ReceiverConfig.DEFAULT_MAX_EXPORTS_IN_FLIGHT,
        description = "Exports decoded, mapped or stored at once; more are told to retry (default: ${DEFAULT-VALUE}).")
    public int maxExportsInFlight;

    @Option(names = "--max-request-bytes", defaultValue = "" + ReceiverConfig.DEFAULT_MAX_INBOUND_MESSAGE_BYTES,
        description = "Largest OTLP request, gRPC message or HTTP body before and after gzip (default: ${DEFAULT-VALUE}).")
    public int maxRequestBytes;

    @Option(names = "--retry-after", defaultValue = "1s", converter = DurationConverter.class,
        description = "Delay advised to a sender that was turned away (default: ${DEFAULT-VALUE}).")
    public Duration retryAfter;

    @Option(names = "--max-bytes-in-flight", defaultValue = "" + ReceiverConfig.DEFAULT_MAX_BYTES_IN_FLIGHT,
        description = "Request bytes held at once, both transports; more are told to retry (default: ${DEFAULT-VALUE}).")
    public long maxBytesInFlight;

    @Option(names = "--store-latency-target", defaultValue = "2s", converter = DurationConverter.class,
        description = "While exports take longer, fewer are admitted at once and the rest are told to retry (default: ${DEFAULT-VALUE}).")
    public Duration storeLatencyTarget;

    @Option(names = "--otlp-header-timeout", defaultValue = "10s", converter = DurationConverter.class,
        description = "OTLP/HTTP: request headers must arrive within this (408); gRPC: the HTTP/2 handshake (default: ${DEFAULT-VALUE}).")
    public Duration headerTimeout;

    @Option(names = "--otlp-body-timeout", defaultValue = "60s", converter = DurationConverter.class,
        description = "OTLP/HTTP body, gRPC request message: must arrive within this, or the connection / call is closed (default: ${DEFAULT-VALUE}).")
    public Duration bodyTimeout;

    @Option(names = "--otlp-min-body-rate", defaultValue = "" + GuardLimits.DEFAULT_MIN_BODY_BYTES_PER_SECOND,
        description = "OTLP/HTTP: slowest body, bytes/s over each --otlp-rate-window; slower is closed (default: ${DEFAULT-VALUE}).")
    public long minBodyRate;

    @Option(names = "--otlp-rate-window", defaultValue = "5s", converter = DurationConverter.class,
        description = "OTLP/HTTP: the window over which --otlp-min-body-rate is measured (default: ${DEFAULT-VALUE}).")
    public Duration rateWindow;

    @Option(names = "--otlp-idle-timeout", defaultValue = "60s", converter = DurationConverter.class,
        description = "OTLP connections idle this long are closed (HTTP: no byte either way; gRPC: no call) (default: ${DEFAULT-VALUE}).")
    public Duration idleTimeout;

    @Option(names = "--grpc-keep-alive-time", defaultValue = "60s", converter = DurationConverter.class,
        description = "gRPC: ping a silent connection after this; close it if the ping is not answered (default: ${DEFAULT-VALUE}).")
    public Duration grpcKeepAliveTime;

    @Option(names = "--grpc-permit-keep-alive-time", defaultValue = "20s", converter = DurationConverter.class,
        description = "gRPC: clients may ping at most this often; more often closes the connection (default: ${DEFAULT-VALUE}).")
    public Duration grpcPermitKeepAliveTime;

    public ReceiverConfig toConfig(String host) {
      require(spec, validPort(grpcPort), "--grpc-port", "must be 0..65535, was " + grpcPort);
      require(spec, validPort(httpPort), "--http-port", "must be 0..65535, was " + httpPort);
      require(spec, grpcPort == 0 || grpcPort != httpPort, "--http-port", "must differ from --grpc-port, both were " + grpcPort);
      require(spec, maxExportsInFlight >= 1, "--max-exports-in-flight", "must be at least 1, was " + maxExportsInFlight);
      require(spec, maxRequestBytes >= 1024, "--max-request-bytes", "must be at least 1024, was " + maxRequestBytes);
      require(spec, !retryAfter.isNegative() && !retryAfter.isZero(), "--retry-after", "must be positive, was " + retryAfter);
      require(spec, maxBytesInFlight >= maxRequestBytes, "--max-bytes-in-flight", "must be at least --max-request-bytes (" + maxRequestBytes + "), was " + maxBytesInFlight);
      require(spec, minBodyRate >= 0, "--otlp-min-body-rate", "must not be negative, was " + minBodyRate);
      requirePositive(spec, "--store-latency-target", storeLatencyTarget);
      requirePositive(spec, "--otlp-header-timeout", headerTimeout);
      requirePositive(spec, "--otlp-body-timeout", bodyTimeout);
      requirePositive(spec, "--otlp-rate-window", rateWindow);
      requirePositive(spec, "--otlp-idle-timeout", idleTimeout);
      requirePositive(spec, "--grpc-keep-alive-time", grpcKeepAliveTime);
      requirePositive(spec, "--grpc-permit-keep-alive-time", grpcPermitKeepAliveTime);
      return ReceiverConfig.builder()
          .host(host)
          .grpcPort(grpcPort)
          .httpPort(httpPort)
          .maxExportsInFlight(maxExportsInFlight)
          .maxInboundMessageBytes(maxRequestBytes)
          .retryAfter(retryAfter)
          .maxBytesInFlight(maxBytesInFlight)
          .storeLatencyTarget(storeLatencyTarget)
          .connectionLimits(new GuardLimits(headerTimeout, bodyTimeout, minBodyRate, rateWindow,
              idleTimeout, GuardLimits.DEFAULT_MAX_HEADER_BYTES))
          .grpcKeepAliveTime(grpcKeepAliveTime)
          .grpcPermitKeepAliveTime(grpcPermitKeepAliveTime)
          .build();
    }

    private static void requirePositive(CommandSpec spec, String option, Duration value) {
      require(spec, !value.isNegative() && !value.isZero(), option, "must be positive, was " + value);
    }
  }

  /** The receiver role's health server (liveness and readiness for load balancers). */
  public static final class Health {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--health-port", defaultValue = "13133",
        description = "Port of GET /health/live, /health/ready and /metrics (default: ${DEFAULT-VALUE}, as the OTel Collector's health port).")
    public int port;

    @Option(names = "--metrics-key", paramLabel = "KEY",
        description = "Bearer key GET /metrics (on the health port) asks for. Unset: /metrics is open without --api-keys and refused with them.")
    @Nullable
    public String metricsKey;

    public void validate() {
      require(spec, validPort(port), "--health-port", "must be 0..65535, was " + port);
      require(spec, metricsKey == null || !metricsKey.isBlank(), "--metrics-key", "must not be blank");
    }
  }

  /** The web node: REST, websocket and viewer. */
  public static final class Web {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--web-port", defaultValue = "" + WebConfig.DEFAULT_PORT,
        description = "REST, websocket and viewer port (default: ${DEFAULT-VALUE}).")
    public int port;

    @Option(names = "--prices", paramLabel = "FILE",
        description = "Price table JSON overriding the bundled one (billing cost).")
    @Nullable
    public Path prices;

    @Option(names = "--settle-window", defaultValue = "10s", converter = DurationConverter.class,
        description = "How long after its stamp a record version counts as settled for cursors (default: ${DEFAULT-VALUE}).")
    public Duration settleWindow;

    @Option(names = "--heartbeat", defaultValue = "10s", converter = DurationConverter.class,
        description = "Websocket heartbeat and store catch-up interval (default: ${DEFAULT-VALUE}).")
    public Duration heartbeat;

    @Option(names = "--max-pending-records", defaultValue = "" + WebConfig.DEFAULT_MAX_PENDING_RECORDS,
        description = "Frames queued for one slow websocket client before it is told to resync (default: ${DEFAULT-VALUE}).")
    public int maxPendingRecords;

    @Option(names = "--max-subscriptions-per-socket", defaultValue = "" + WebConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_SOCKET,
        description = "Subscriptions one websocket may hold; more are refused with an error frame (default: ${DEFAULT-VALUE}).")
    public int maxSubscriptionsPerSocket;

    @Option(names = "--max-subscriptions-per-tenant", defaultValue = "" + WebConfig.DEFAULT_MAX_SUBSCRIPTIONS_PER_TENANT,
        description = "Subscriptions one tenant may hold on this web node, all its websockets together (default: ${DEFAULT-VALUE}).")
    public int maxSubscriptionsPerTenant;

    @Option(names = "--max-feed-reads", defaultValue = "" + WebConfig.DEFAULT_MAX_FEED_READS,
        description = "Store reads for websocket subscriptions in flight on this node; the rest wait (default: ${DEFAULT-VALUE}).")
    public int maxFeedReads;

    @Option(names = "--close-timeout", defaultValue = "5s", converter = DurationConverter.class,
        description = "How long a websocket the server closes may take to answer before its TCP connection is dropped (default: ${DEFAULT-VALUE}).")
    public Duration closeTimeout;

    @Option(names = "--cursor-secret", paramLabel = "SECRET",
        description = "Secret (16+ characters) that seals REST and websocket cursors; the same on every web node so a client "
            + "resumes on any of them. Unset: a random key per process (cursors then work on this node, until it restarts).")
    @Nullable
    public String cursorSecret;

    @Option(names = "--metrics-key", paramLabel = "KEY",
        description = "Bearer key GET /metrics asks for. Unset: /metrics is open without --api-keys and refused with them.")
    @Nullable
    public String metricsKey;

    /** Options whose values {@code tracebridge config} masks. */
    public static final java.util.Set<String> SECRET_OPTIONS = java.util.Set.of("--cursor-secret", "--metrics-key");

    /** The builder, validated field by field; the caller adds tenancy and prices. */
    public WebConfig.Builder toConfig(String host) {
      require(spec, validPort(port), "--web-port", "must be 0..65535, was " + port);
      require(spec, maxSubscriptionsPerSocket >= 1, "--max-subscriptions-per-socket",
          "must be positive, was " + maxSubscriptionsPerSocket);
      require(spec, maxSubscriptionsPerTenant >= 1, "--max-subscriptions-per-tenant",
          "must be positive, was " + maxSubscriptionsPerTenant);
      require(spec, maxFeedReads >= 1, "--max-feed-reads", "must be positive, was " + maxFeedReads);
      require(spec, closeTimeout.toMillis() >= 1, "--close-timeout", "must be at least 1ms, was " + closeTimeout);
      require(spec, cursorSecret == null || cursorSecret.length() >= WebConfig.MIN_CURSOR_SECRET_CHARS,
          "--cursor-secret", "must have at least " + WebConfig.MIN_CURSOR_SECRET_CHARS + " characters");
      require(spec, metricsKey == null || !metricsKey.isBlank(), "--metrics-key", "must not be blank");
      require(spec, !settleWindow.isNegative(), "--settle-window", "must not be negative, was " + settleWindow);
      require(spec, heartbeat.toMillis() >= 10, "--heartbeat", "must be at least 10ms, was " + heartbeat);
      require(spec, maxPendingRecords >= 1, "--max-pending-records", "must be positive, was " + maxPendingRecords);
      return WebConfig.builder()
          .host(host)
          .port(port)
          .settleWindow(settleWindow)
          .heartbeatInterval(heartbeat)
          .maxPendingRecords(maxPendingRecords)
          .maxSubscriptionsPerSocket(maxSubscriptionsPerSocket)
          .maxSubscriptionsPerTenant(maxSubscriptionsPerTenant)
          .maxFeedReads(maxFeedReads)
          .closeTimeout(closeTimeout)
          .cursorSecret(cursorSecret)
          .metricsKey(metricsKey);
    }
  }

  /** Bearer keys → tenants, from a file or from AWS Secrets Manager; neither: one default tenant. */
  public static final class Tenancy {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(names = "--api-keys", paramLabel = "FILE",
        description = "JSON file {\"keys\":{\"<key>\":\"<tenant>\"}}: every OTLP, REST and websocket call then needs a bearer key.")
    @Nullable
    public Path file;

    @Option(names = "--api-keys-secret", paramLabel = "SECRET_ID",
        description = "AWS Secrets Manager secret (name or ARN) whose string is that same JSON.")
    @Nullable
    public String secretId;

    public void validate() {
      require(spec, file == null || secretId == null, "--api-keys-secret",
          "give --api-keys or --api-keys-secret, not both");
    }

    /** True when keys are required. */
    public boolean enabled() {
      return file != null || secretId != null;
    }
  }

  static boolean validPort(int port) {
    return port >= 0 && port <= 65_535;
  }

  static void require(CommandSpec spec, boolean ok, String option, String problem) {
    if (!ok) {
      throw invalid(spec, option, problem);
    }
  }

  /**
   * A start-up error that names the setting as the user set it: the flag, the variable or the
   * file key.
   */
  public static CommandLine.ParameterException invalid(CommandSpec spec, String option, String problem) {
    CommandSpec root = spec;
    while (root.parent() != null) {
      root = root.parent();
    }
    String from = "";
    if (root.defaultValueProvider() instanceof SettingSources sources && spec.findOption(option) != null) {
      String source = sources.source(spec, option);
      from = source.equals("flag") || source.equals("default") ? "" : " (from " + source + ")";
    }
    return new CommandLine.ParameterException(spec.commandLine(), "invalid " + option + from + ": " + problem);
  }
}
