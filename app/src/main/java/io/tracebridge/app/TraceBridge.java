package io.tracebridge.app;

import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./tracebridge}: the command line of the embedded product. */
@Command(
    name = "tracebridge",
    mixinStandardHelpOptions = true,
    description = "Functional, live traces for AI agents.",
    subcommands = {TraceBridge.Up.class, TraceBridge.Demo.class})
public final class TraceBridge {

  public static void main(String[] args) {
    System.exit(new CommandLine(new TraceBridge()).execute(args));
  }

  @Command(
      name = "up",
      mixinStandardHelpOptions = true,
      description = "Run DynamoDB Local, the OTLP receiver, the web server and the agent runtime.")
  static final class Up implements Callable<Integer> {
    @Option(names = "--data-dir", description = "Where DynamoDB Local keeps its data (default: ${DEFAULT-VALUE}).")
    Path dataDir = Path.of(".tracebridge", "data");

    @Option(names = "--in-memory", description = "Keep nothing on disk.")
    boolean inMemory;

    @Option(names = "--host", description = "Address every component binds (default: ${DEFAULT-VALUE}).")
    String host = "127.0.0.1";

    @Option(names = "--grpc-port", description = "OTLP/gRPC port (default: ${DEFAULT-VALUE}).")
    int grpcPort = 4317;

    @Option(names = "--http-port", description = "OTLP/HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort = 4318;

    @Option(names = "--api-keys", description = "JSON file {\"keys\":{\"<key>\":\"<tenant>\"}}: require bearer keys (default: one tenant, no keys).")
    Path apiKeys;

    @Option(names = "--prices", description = "Price table JSON overriding the bundled one (billing cost).")
    Path prices;

    @Option(names = "--web-port", description = "REST, websocket and viewer port (default: ${DEFAULT-VALUE}).")
    int webPort = 8090;

    @Option(names = "--runtime-port", description = "Agent runtime (AgentCore protocol) port (default: ${DEFAULT-VALUE}).")
    int runtimePort = 8080;

    @Option(names = "--demo", description = "Once up, invoke the agent with the integration prompt and print the trace URL.")
    boolean demo;

    @Override
    public Integer call() throws Exception {
      long started = System.nanoTime();
      EmbeddedStack stack =
          EmbeddedStack.start(
              EmbeddedStack.Options.defaults().toBuilder()
                  .dataDir(inMemory ? null : dataDir)
                  .host(host)
                  .grpcPort(grpcPort)
                  .httpPort(httpPort)
                  .webPort(webPort)
                  .runtimePort(runtimePort)
                  .apiKeysFile(apiKeys)
                  .pricesFile(prices)
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
