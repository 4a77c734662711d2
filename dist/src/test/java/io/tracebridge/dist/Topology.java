package io.tracebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The production topology on one machine, every part its own JVM: a standalone DynamoDB Local
 * server ({@link LoopbackDynamoDbLocal}) and any number of {@code receiver} and {@code web} roles
 * (or an all-in-one {@code up}) started from the built distribution's {@code bin/tracebridge},
 * configured only through {@code TRACEBRIDGE_*} and the AWS SDK's standard environment variables,
 * as a container platform would configure them. Every listener is on a free loopback port, the
 * table name is new for each topology (so its nodes form their own cluster, whatever else runs on
 * the machine), and each process writes its output to {@code <logDir>/<name>.log}.
 *
 * <p>Roles join the cluster through an explicit member list: {@link Builder#clusterSize} cluster
 * ports are reserved up front and every role lists all of them, so nodes started later are found
 * by the earlier ones.
 *
 * <p>Used by the distribution's {@code ProductionTopologyIT} and by {@code bench}'s {@code
 * CrossNodeLatency}. Not thread-safe: start and stop roles from one thread; the {@link
 * RoleProcess}es themselves may be used from any.
 */
public final class Topology implements AutoCloseable {
  /** The region every role is told; DynamoDB Local accepts any. */
  static final String REGION = "us-east-1";
  /** DynamoDB Local accepts any credentials; these keep the SDK's chain from looking further. */
  static final String LOCAL_CREDENTIAL = "local";
  /** The distribution's launcher, relative to its home. */
  static final String LAUNCHER = "bin/tracebridge";
  private static final String DYNAMODB_MAIN = LoopbackDynamoDbLocal.class.getName();

  private final Path distHome;
  private final Path logDir;
  private final String table;
  private final String javaOpts;
  private final List<Integer> clusterPorts;
  private final List<RoleProcess> processes = new ArrayList<>();
  private final RoleProcess dynamoDb;
  private int nextClusterPort;

  private Topology(Builder b) {
    this.distHome = b.distHome;
    this.logDir = b.logDir;
    this.table = b.table;
    this.javaOpts = b.javaOpts;
    this.clusterPorts = freePorts(b.clusterSize);
    try {
      Files.createDirectories(logDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!Files.isExecutable(distHome.resolve(LAUNCHER))) {
      throw new IllegalStateException("no distribution at " + distHome + " (" + LAUNCHER
          + " missing or not executable): build it with ./mvnw -pl dist -am package");
    }
    int port = freePorts(1).get(0);
    List<String> command = List.of(javaExecutable(), "-Xmx512m",
        "-cp", distHome.resolve("lib") + "/*" + java.io.File.pathSeparator + codeLocation(),
        DYNAMODB_MAIN, Integer.toString(port));
    dynamoDb = track(RoleProcess.start("dynamodb", command, baseEnvironment(), logDir,
        logDir.resolve("dynamodb.log"), Map.of("dynamodb", port), null));
  }

  /** A topology over the distribution unpacked at {@code distHome}, logging to {@code logDir}. */
  public static Builder builder(Path distHome, Path logDir) {
    return new Builder(distHome, logDir);
  }

  /** The table every role of this topology uses (new for each topology). */
  public String table() {
    return table;
  }

  /** The standalone DynamoDB Local server. */
  public RoleProcess dynamoDb() {
    return dynamoDb;
  }

  /** {@code http://127.0.0.1:<port>} of DynamoDB Local, as the roles get it in {@code AWS_ENDPOINT_URL_DYNAMODB}. */
  public URI dynamoDbEndpoint() {
    return URI.create("http://127.0.0.1:" + dynamoDb.port("dynamodb"));
  }

  /** Every process started, DynamoDB Local first. */
  public List<RoleProcess> processes() {
    return List.copyOf(processes);
  }

  /**
   * Starts {@code tracebridge receiver}: OTLP gRPC and HTTP, health on its own port (ports {@code
   * grpc}, {@code http}, {@code health}). Returns at once; {@link RoleProcess#awaitReady} waits
   * for {@code /health/ready}.
   *
   * @param createTable true: create the table if it is missing; false: expect it and fail fast
   * @param extra more environment variables for this process (they win over the topology's)
   */
  public RoleProcess startReceiver(String name, boolean createTable, Map<String, String> extra) {
    List<Integer> ports = freePorts(3);
    Map<String, String> env = roleEnvironment(createTable);
    env.put("TRACEBRIDGE_GRPC_PORT", ports.get(0).toString());
    env.put("TRACEBRIDGE_HTTP_PORT", ports.get(1).toString());
    env.put("TRACEBRIDGE_HEALTH_PORT", ports.get(2).toString());
    Map<String, Integer> named = new LinkedHashMap<>();
    named.put("health", ports.get(2));
    named.put("grpc", ports.get(0));
    named.put("http", ports.get(1));
    return startRole(name, "receiver", env, extra, named, "health");
  }

  /**
   * Starts {@code tracebridge web}: REST, websocket and viewer, health on the same port (port
   * {@code web}).
   */
  public RoleProcess startWeb(String name, Map<String, String> extra) {
    int port = freePorts(1).get(0);
    Map<String, String> env = roleEnvironment(false);
    env.put("TRACEBRIDGE_WEB_PORT", Integer.toString(port));
    // One cursor secret for every web node: a client resumes on any of them with its cursor.
    env.put("TRACEBRIDGE_CURSOR_SECRET", "topology-" + table + "-cursor-secret");
    return startRole(name, "web", env, extra, Map.of("web", port), "web");
  }

  /**
   * Starts {@code tracebridge up --in-memory}: every component in one JVM over its own embedded
   * DynamoDB Local (not this topology's server, not in its cluster): the one-node reference.
   * Ports {@code web}, {@code grpc}, {@code http}, {@code runtime}; ready when its web node is.
   *
   * @param extra more environment variables for this process (they win over the topology's)
   */
  public RoleProcess startAllInOne(String name, Map<String, String> extra) {
    List<Integer> ports = freePorts(4);
    Map<String, String> env = baseEnvironment();
    env.put("TRACEBRIDGE_HOST", "127.0.0.1");
    env.put("TRACEBRIDGE_WEB_PORT", ports.get(0).toString());
    env.put("TRACEBRIDGE_GRPC_PORT", ports.get(1).toString());
    env.put("TRACEBRIDGE_HTTP_PORT", ports.get(2).toString());
    env.put("TRACEBRIDGE_RUNTIME_PORT", ports.get(3).toString());
    Map<String, Integer> named = new LinkedHashMap<>();
    named.put("web", ports.get(0));
    named.put("grpc", ports.get(1));
    named.put("http", ports.get(2));
    named.put("runtime", ports.get(3));
    env.putAll(extra);
    return startProcess(name, List.of("up", "--in-memory"), env, named, "web");
  }

  /** {@code http://127.0.0.1:<web port>} of a web (or all-in-one) process. */
  public static String webUrl(RoleProcess web) {
    return "http://127.0.0.1:" + web.port("web");
  }

  /** {@code ws://127.0.0.1:<web port>/ws} of a web (or all-in-one) process. */
  public static String websocketUrl(RoleProcess web) {
    return "ws://127.0.0.1:" + web.port("web") + "/ws";
  }

  /** {@code http://127.0.0.1:<grpc port>}: the OTLP/gRPC endpoint of a receiver. */
  public static String grpcEndpoint(RoleProcess receiver) {
    return "http://127.0.0.1:" + receiver.port("grpc");
  }

  /** Waits for every started process (DynamoDB Local included) to be ready. */
  public void awaitReady(Duration timeoutEach) throws InterruptedException {
    for (RoleProcess p : processes) {
      if (p.isAlive()) {
        p.awaitReady(timeoutEach);
      }
    }
  }

  /** The tail of every process's log, for a failure message. */
  public String logTails() {
    return processes.stream()
        .map(p -> "----- " + p + ", " + p.log() + " -----" + System.lineSeparator() + p.tail())
        .collect(Collectors.joining(System.lineSeparator()));
  }

  /** Ends every process still running (roles with SIGTERM, so they leave the cluster; then DynamoDB Local). */
  @Override
  public void close() throws InterruptedException {
    for (int i = processes.size() - 1; i >= 0; i--) {
      if (processes.get(i).isAlive()) {
        processes.get(i).stop();
      }
    }
  }

  private RoleProcess startRole(String name, String role, Map<String, String> env,
      Map<String, String> extra, Map<String, Integer> ports, String healthPortName) {
    if (nextClusterPort >= clusterPorts.size()) {
      throw new IllegalStateException("more roles than the " + clusterPorts.size()
          + " cluster ports reserved: raise Builder.clusterSize");
    }
    env.put("TRACEBRIDGE_CLUSTER_PORT", clusterPorts.get(nextClusterPort++).toString());
    env.put("TRACEBRIDGE_CLUSTER_MEMBERS",
        clusterPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(",")));
    env.putAll(extra);
    return startProcess(name, List.of(role), env, ports, healthPortName);
  }

  private RoleProcess startProcess(String name, List<String> args, Map<String, String> env,
      Map<String, Integer> ports, String healthPortName) {
    List<String> command = new ArrayList<>();
    command.add(distHome.resolve(LAUNCHER).toString());
    command.addAll(args);
    URI ready = URI.create("http://127.0.0.1:" + ports.get(healthPortName) + "/health/ready");
    return track(RoleProcess.start(name, command, env, logDir.resolve(name + ".work"),
        logDir.resolve(name + ".log"), ports, ready));
  }

  private RoleProcess track(RoleProcess process) {
    processes.add(process);
    return process;
  }

  /** What every cluster role gets: the table, the cluster, DynamoDB through the AWS SDK's variables. */
  private Map<String, String> roleEnvironment(boolean createTable) {
    Map<String, String> env = baseEnvironment();
    env.put("TRACEBRIDGE_HOST", "127.0.0.1");
    env.put("TRACEBRIDGE_TABLE", table);
    env.put("TRACEBRIDGE_CREATE_TABLE", Boolean.toString(createTable));
    env.put("AWS_REGION", REGION);
    env.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint().toString());
    env.put("AWS_ACCESS_KEY_ID", LOCAL_CREDENTIAL);
    env.put("AWS_SECRET_ACCESS_KEY", LOCAL_CREDENTIAL);
    return env;
  }

  /**
   * Nothing inherited from the test's environment but PATH: no AWS profile, no OTEL_* or
   * TRACEBRIDGE_* setting of the developer's shell leaks in. The distribution runs on the JVM
   * running this code.
   */
  private Map<String, String> baseEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", Objects.requireNonNullElse(System.getenv("PATH"), "/usr/bin:/bin"));
    env.put("JAVA_HOME", System.getProperty("java.home"));
    env.put("HOME", logDir.toAbsolutePath().toString());
    env.put("JAVA_OPTS", javaOpts);
    // No call leaves the machine: no instance-metadata lookups (Hazelcast phone-home is off in app).
    env.put("AWS_EC2_METADATA_DISABLED", "true");
    return env;
  }

  private static String javaExecutable() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Where this class was loaded from (test-classes, or the dist test-jar in bench). */
  private static String codeLocation() {
    try {
      return Path.of(Topology.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code count} distinct free loopback ports (all held open together, so they differ). */
  static List<Integer> freePorts(int count) {
    List<ServerSocket> held = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
      }
      return held.stream().map(ServerSocket::getLocalPort).toList();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port", e);
    } finally {
      for (ServerSocket s : held) {
        try {
          s.close();
        } catch (IOException ignored) {
          // only a probe
        }
      }
    }
  }

  /** Options of a topology; {@link #start()} starts DynamoDB Local (roles are started on the topology). */
  public static final class Builder {
    private final Path distHome;
    private final Path logDir;
    private String table = "tracebridge-it-" + UUID.randomUUID().toString().substring(0, 8);
    private String javaOpts = "-Xmx384m";
    private int clusterSize = 4;

    private Builder(Path distHome, Path logDir) {
      this.distHome = distHome.toAbsolutePath();
      this.logDir = logDir.toAbsolutePath();
    }

    /** The table name (default: {@code tracebridge-it-} and a random suffix). */
    public Builder table(String table) {
      this.table = table;
      return this;
    }

    /** JAVA_OPTS of every role (default {@code -Xmx384m}). */
    public Builder javaOpts(String javaOpts) {
      this.javaOpts = javaOpts;
      return this;
    }

    /** How many cluster roles (receivers and web nodes) will be started at most (default 4). */
    public Builder clusterSize(int clusterSize) {
      this.clusterSize = clusterSize;
      return this;
    }

    /** Starts the DynamoDB Local server (not waiting for it: see {@link Topology#awaitReady}). */
    public Topology start() {
      return new Topology(this);
    }
  }
}
