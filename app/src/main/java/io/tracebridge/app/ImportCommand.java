package io.tracebridge.app;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.cwimport.AwsClients;
import io.tracebridge.cwimport.CloudWatchImport;
import io.tracebridge.cwimport.ImportSummary;
import io.tracebridge.cwimport.Progress;
import io.tracebridge.mapper.SpanMapper;
import io.tracebridge.receiver.LogsExportHandler;
import io.tracebridge.receiver.ReceiverConfig;
import io.tracebridge.store.assembly.TraceContextFiller;
import io.tracebridge.receiver.TraceExportHandler;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.xray.XRayClient;

/** {@code tracebridge import}: bring runs recorded elsewhere into the table. */
@Command(
    name = "import",
    mixinStandardHelpOptions = true,
    description = "Import runs recorded elsewhere into the DynamoDB table.",
    subcommands = {ImportCommand.CloudWatch.class})
final class ImportCommand {

  @Command(
      name = "cloudwatch",
      mixinStandardHelpOptions = true,
      description = "Import runs that only CloudWatch has: spans from aws/spans (Transaction Search), content "
          + "from the agents' log groups, and X-Ray traces where that is all there is; mapped and stored exactly "
          + "as the receiver stores them (importing twice, or during live ingest, counts nothing twice). AWS "
          + "clients follow the SDK's environment (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, "
          + "AWS_ENDPOINT_URL_XRAY, AWS_ENDPOINT_URL_DYNAMODB, ...).")
  static final class CloudWatch implements Callable<Integer> {
    @Mixin RoleOptions.Common common;
    @Mixin RoleOptions.Store store;

    @Option(names = "--from", required = true, paramLabel = "TIME",
        description = "Start of the window, ISO-8601 (2026-11-30T08:00:00Z, or a date: 2026-11-30 is its midnight UTC).")
    String from;

    @Option(names = "--to", required = true, paramLabel = "TIME",
        description = "End of the window (exclusive), as --from.")
    String to;

    @Option(names = "--log-group", paramLabel = "NAME",
        description = "An agent log group to read besides aws/spans (always read), repeatable "
            + "(default: every /aws/bedrock-agentcore/runtimes/ group).")
    List<String> logGroups = List.of();

    @Option(names = "--service", paramLabel = "NAME",
        description = "Only runs of this service.name (the agent), repeatable (default: every service).")
    List<String> services = List.of();

    @Option(names = "--xray", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "Also import X-Ray traces that the log groups did not have (default: ${DEFAULT-VALUE}).")
    boolean xray;

    @Option(names = "--tenant", defaultValue = ReceiverConfig.DEFAULT_TENANT,
        description = "Tenant the records are stored for (default: ${DEFAULT-VALUE}).")
    String tenant;

    @Option(names = "--page-size", defaultValue = "1000",
        description = "Log events per FilterLogEvents page, 1..10000 (default: ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--checkpoint", defaultValue = ".tracebridge/import-cloudwatch.json", paramLabel = "FILE",
        description = "Where the position of each source is kept after every stored page; rerunning the same "
            + "command resumes from it (default: ${DEFAULT-VALUE}).")
    Path checkpoint;

    @Option(names = "--restart", description = "Ignore the checkpoint and read the whole window again.")
    boolean restart;

    @Option(names = "--data-dir", paramLabel = "DIR",
        description = "Write into the embedded DynamoDB Local of `tracebridge up --data-dir DIR` (stop it first) "
            + "instead of the table the AWS SDK environment names (default: the real table).")
    @javax.annotation.Nullable
    Path dataDir;

    @Override
    public Integer call() throws Exception {
      DynamoDbStoreConfig storeConfig = store.toConfig();
      Instant start = time("--from", from);
      Instant end = time("--to", to);
      common.require(end.isAfter(start), "--to", "must be after --from (" + from + "), was " + to);
      common.require(pageSize >= 1 && pageSize <= 10_000, "--page-size", "must be 1..10000, was " + pageSize);
      common.require(!tenant.isBlank(), "--tenant", "must not be blank");
      CloudWatchImport.Options options = new CloudWatchImport.Options(start, end, logGroups, services, xray, tenant,
          pageSize, checkpoint, restart, storeConfig.tableName());

      Lifecycle lifecycle = new Lifecycle();
      try {
        CloudWatchLogsClient logs;
        XRayClient xrayClient;
        try {
          logs = lifecycle.add(AwsClients.logs(null));
          xrayClient = xray ? lifecycle.add(AwsClients.xray(null)) : null;
        } catch (SdkException e) {
          System.err.println("tracebridge import cloudwatch: cannot create the AWS clients: " + e.getMessage());
          return 1;
        }
        DynamoDbTraceStore traceStore;
        if (dataDir != null) {
          // The database file `up` keeps in its data directory.
          java.io.File dir = dataDir.toAbsolutePath().toFile();
          common.require(dir.isDirectory() || dir.mkdirs(), "--data-dir", "cannot create " + dir);
          var dynamo = DynamoDBEmbedded.create(new java.io.File(dir, EmbeddedStack.DATABASE_FILE), true);
          lifecycle.add(dynamo::shutdown);
          traceStore = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), storeConfig);
          lifecycle.add(() -> traceStore.shutdown().toCompletableFuture().get(30, java.util.concurrent.TimeUnit.SECONDS));
        } else {
          DynamoDbClient client = StoreAccess.client(storeConfig.writeThreads());
          traceStore = StoreAccess.open(client, storeConfig, lifecycle);
        }
        // The receiver's path: mapper → trace context filler → store. Live viewers are not told:
        // these are past runs, and web nodes read them from the table.
        SpanMapper mapper = new SpanMapper();
        TraceContextFiller durable = new TraceContextFiller(traceStore, traceStore);
        CloudWatchImport importer = new CloudWatchImport(logs, xrayClient,
            new TraceExportHandler(mapper, durable), new LogsExportHandler(mapper, durable),
            traceStore, new Progress(System.err, System.console() != null));
        System.err.printf("import: %s .. %s into table %s%s, tenant %s (checkpoint %s)%n", start, end,
            storeConfig.tableName(), dataDir == null ? "" : " of DynamoDB Local in " + dataDir.toAbsolutePath(),
            tenant, checkpoint.toAbsolutePath());
        ImportSummary summary;
        // Ctrl-C: every stored page is in the checkpoint already; say how to go on.
        Thread onInterrupt = new Thread(() -> System.err.printf(
            "%ntracebridge import cloudwatch: interrupted; run the same command again to resume from %s%n",
            checkpoint.toAbsolutePath()), "import-interrupted");
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        try {
          summary = importer.run(options);
        } catch (RuntimeException e) {
          System.err.println("tracebridge import cloudwatch: stopped: " + e.getMessage());
          System.err.println("(what was stored is kept in " + checkpoint + "; run the same command again to resume)");
          Runtime.getRuntime().removeShutdownHook(onInterrupt);
          return 1;
        }
        Runtime.getRuntime().removeShutdownHook(onInterrupt);
        System.out.print(summary.render());
        return 0;
      } finally {
        lifecycle.close();
      }
    }

    private Instant time(String option, String value) {
      try {
        return OffsetDateTime.parse(value).toInstant();
      } catch (DateTimeParseException notOffset) {
        try {
          return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException notDate) {
          common.require(false, option, "must be an ISO-8601 time (2026-11-30T08:00:00Z) or date, was '" + value + "'");
          throw new AssertionError();
        }
      }
    }
  }
}
