package io.tracebridge.app;

import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.app.config.SettingSources;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.runtime.RuntimeConfig;
import io.tracebridge.web.WebConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code tracebridge}: one command line for every role. {@code up} runs everything in one JVM over
 * embedded DynamoDB Local; {@code receiver}, {@code web} and {@code runtime} are the production
 * roles over one real table ({@link Roles}); {@code config} prints a role's effective settings.
 * Every setting resolves the same way under every command ({@link SettingSources}: flag, then
 * {@code TRACEBRIDGE_*} variable, then {@code --config} file, then default); a bad value stops
 * start-up with exit status 2 and a message naming the setting.
 */
@Command(
    name = "tracebridge",
    mixinStandardHelpOptions = true,
    description = "Functional, live traces for AI agents.",
    subcommands = {TraceBridge.Up.class, Roles.Receiver.class, Roles.Web.class, Roles.Runtime.class,
        TraceBridge.Demo.class, ConfigCommand.class, ImportCommand.class})
public final class TraceBridge {

  public static void main(String[] args) {
    // Before any Hazelcast class logs: through SLF4J, not java.util.logging.
    System.setProperty("hazelcast.logging.type", "slf4j");
    System.exit(execute(args, System.getenv()));
  }

  /** Runs the command line {@code args} with {@code env} as the environment; the exit status. */
  static int execute(String[] args, Map<String, String> env) {
    CommandLine commandLine;
    try {
      commandLine = commandLine(args, env);
    } catch (CommandLine.PicocliException e) {
      System.err.println("tracebridge: " + e.getMessage());
      return 2;
    }
    return commandLine.execute(args);
  }

  /**
   * The command line, with {@code env} and the {@code --config} file named in {@code args} (or by
   * {@code TRACEBRIDGE_CONFIG}) as the source of every option's default.
   *
   * @throws CommandLine.PicocliException when the file cannot be read or has an unknown key
   */
  static CommandLine commandLine(String[] args, Map<String, String> env) {
    SettingSources sources = SettingSources.of(args, env);
    CommandLine commandLine = new CommandLine(new TraceBridge());
    commandLine.setDefaultValueProvider(sources);
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    sources.checkFileKeys(commandLine);
    commandLine.setParameterExceptionHandler((e, unmatched) -> {
      CommandLine failed = e.getCommandLine();
      failed.getErr().println("tracebridge " + failed.getCommandName() + ": " + withSource(e, sources));
      failed.getErr().println("(tracebridge " + failed.getCommandName() + " --help lists the settings)");
      return 2;
    });
    commandLine.setExecutionExceptionHandler((e, failed, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        failed.getErr().println("tracebridge " + failed.getCommandName() + ": invalid configuration: " + e.getMessage());
        return 2;
      }
      if (e instanceof io.tracebridge.store.StoreException) {
        // The table is unreachable, missing or of the wrong shape: say so, no stack trace.
        failed.getErr().println("tracebridge " + failed.getCommandName() + ": cannot start: " + e.getMessage());
        return 1;
      }
      throw e;
    });
    return commandLine;
  }

  /** A type error picocli found, with where the bad value came from when it was not a flag. */
  private static String withSource(CommandLine.ParameterException e, SettingSources sources) {
    String message = e.getMessage();
    if (e.getArgSpec() instanceof CommandLine.Model.OptionSpec option && !message.contains("(from ")) {
      String source = sources.source(e.getCommandLine().getCommandSpec(), option);
      if (!source.equals("flag") && !source.equals("default")) {
        message = message + " (from " + source + ")";
      }
    }
    return message;
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Run DynamoDB Local, the OTLP receiver, the web server and the agent runtime in one JVM.")
  static final class Up implements Callable<Integer> {
    @Mixin RoleOptions.Common common;
    @Mixin RoleOptions.Receiver receiver;
    @Mixin RoleOptions.Web web;
    @Mixin RoleOptions.Tenancy tenancy;

    @Option(names = "--data-dir", defaultValue = ".tracebridge/data",
        description = "Where DynamoDB Local keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir;

    @Option(names = "--in-memory", description = "Keep nothing on disk.")
    boolean inMemory;

    @Option(names = "--runtime-port", defaultValue = "" + RuntimeConfig.DEFAULT_PORT,
        description = "Agent runtime (AgentCore protocol) port (default: ${DEFAULT-VALUE}).")
    int runtimePort;

    @Option(names = "--demo", description = "Once up, invoke the agent with the integration prompt and print the trace URL.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
      long started = System.nanoTime();
      String host = common.host;
      ReceiverConfig receiverConfig = receiver.toConfig(host);
      WebConfig webConfig = web.toConfig(host).build();
      common.require(runtimePort >= 0 && runtimePort <= 65_535, "--runtime-port", "must be 0..65535, was " + runtimePort);
      tenancy.validate();
      EmbeddedStack stack =
          EmbeddedStack.start(
              EmbeddedStack.Options.defaults().toBuilder()
                  .dataDir(inMemory ? null : dataDir)
                  .host(host)
                  .grpcPort(receiverConfig.grpcPort())
                  .httpPort(receiverConfig.httpPort())
                  .webPort(webConfig.port())
                  .runtimePort(runtimePort)
                  // The runtime variables, as under `tracebridge runtime`; the demo tools unless DEMO_TOOLS=false.
                  .runtimeConfig(RuntimeConfig.fromEnvironment(System.getenv(), true))
                  .receiverLimits(receiverConfig)
                  .webLimits(webConfig)
                  .authenticator(tenancy.enabled() ? Tenants.authenticator(tenancy) : null)
                  .pricesFile(web.prices)
                  // TRACEBRIDGE_CLOUDWATCH_*: forward every received span (see cloudwatch-export/README.md)
                  .cloudWatch(CloudWatchExportConfig.fromEnvironment(System.getenv()))
                  .build());
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        stack.close();
        stopped.countDown();
      }, "tracebridge-shutdown"));
      System.out.printf("%nTraceBridge is up (%d ms):%n", (System.nanoTime() - started) / 1_000_000);
      System.out.printf("  OTLP/gRPC receiver   %s:%d%n", host, stack.grpcPort());
      System.out.printf("  OTLP/HTTP receiver   http://%s:%d  (/v1/traces, /v1/logs)%n", host, stack.httpPort());
      System.out.printf("  web, REST, websocket %s  (ws %s/ws)%n", stack.webBaseUrl(), stack.webBaseUrl().replace("http", "ws"));
      System.out.printf("  agent runtime        %s  (GET /ping, POST /invocations)%n", stack.runtimeBaseUrl());
      System.out.printf("  store                DynamoDB Local, %s%n",
          inMemory ? "in memory" : dataDir.toAbsolutePath());
      if (demo) {
        runDemo(stack.runtimeBaseUrl(), stack.webBaseUrl(), started);
      }
      System.out.println("Ctrl-C to stop.");
      stopped.await();
      return 0;
    }
  }

  @Command(
      name = "demo",
      mixinStandardHelpOptions = true,
      description = "Invoke a running agent runtime with the integration prompt and print the trace URL.")
  static final class Demo implements Callable<Integer> {
    @Option(names = "--runtime", description = "Agent runtime base URL (default: ${DEFAULT-VALUE}).")
    String runtime = "http://127.0.0.1:8080";

    @Option(names = "--web", description = "Web base URL (default: ${DEFAULT-VALUE}).")
    String web = "http://127.0.0.1:8090";

    @Override
    public Integer call() throws Exception {
      runDemo(runtime, web, System.nanoTime());
      return 0;
    }
  }

  static void runDemo(String runtimeBaseUrl, String webBaseUrl, long startedNanos) throws Exception {
    System.out.printf("%nDemo: \"%s\" (session attribute bonus=%s, hidden from the model)%n",
        DemoClient.PROMPT, DemoClient.BONUS);
    DemoClient.Result result = new DemoClient(runtimeBaseUrl, webBaseUrl).run();
    System.out.printf("  answer: %s%n", result.answer());
    System.out.printf("  stored: %d records, tokens %s in / %s out%n", result.storedRecords(),
        result.usage().path("inputTokens").asText(), result.usage().path("outputTokens").asText());
    System.out.printf("  trace:  %s/traces/%s%n", webBaseUrl, result.traceId());
    System.out.printf("  (%d ms from start to printed URL)%n%n", (System.nanoTime() - startedNanos) / 1_000_000);
  }
}
