package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import io.tracebridge.cloudwatch.MotoServer;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.store.UsageCell;
import io.tracebridge.store.UsageKind;
import io.tracebridge.store.dynamodb.DynamoDbStoreConfig;
import io.tracebridge.store.dynamodb.DynamoDbTraceStore;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;

/**
 * {@code tracebridge import cloudwatch} as a user runs it: the AWS clients find moto (loopback,
 * {@code .ci/interop-moto.sh}) through the SDK's standard endpoint settings (here their system
 * property form, {@code aws.endpointUrlCloudWatchLogs} / {@code aws.endpointUrlXRay}, since a test
 * cannot set the {@code AWS_ENDPOINT_URL_*} variables of its own JVM; the SDK reads both the same
 * way), and the records go into the embedded DynamoDB Local of {@code --data-dir}. Imported twice:
 * the store holds the run's records and counts its usage once.
 */
class ImportCloudWatchInteropIT {
  private static final String TRACE = "6f1b2c3d4e5f60718293a4b5c6d7e8f9";
  private static final List<String> PROPERTIES = List.of("aws.endpointUrlCloudWatchLogs", "aws.endpointUrlXRay",
      "aws.region", "aws.accessKeyId", "aws.secretAccessKey");
  private static final Map<String, String> saved = new HashMap<>();
  private static MotoServer moto;
  private static Instant at;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    at = Instant.now().minusSeconds(600);
    long ns = at.toEpochMilli() * 1_000_000L;
    String resource = "{\"attributes\":{\"service.name\":\"calc-agent\"}}";
    String root = "{\"resource\":" + resource + ",\"scope\":{\"name\":\"strands.telemetry.tracer\"},\"traceId\":\"" + TRACE
        + "\",\"spanId\":\"a1a1a1a1a1a1a1a1\",\"name\":\"invoke_agent calc\",\"kind\":\"INTERNAL\","
        + "\"startTimeUnixNano\":" + ns + ",\"endTimeUnixNano\":" + (ns + 3_000_000) + ",\"attributes\":{"
        + "\"gen_ai.operation.name\":\"invoke_agent\",\"gen_ai.agent.name\":\"calc\",\"session.id\":\"s-1\","
        + "\"gen_ai.request.model\":\"m-1\",\"gen_ai.usage.input_tokens\":100,\"gen_ai.usage.output_tokens\":20},"
        + "\"status\":{\"code\":\"OK\"}}";
    String chat = "{\"resource\":" + resource + ",\"scope\":{\"name\":\"strands.telemetry.tracer\"},\"traceId\":\"" + TRACE
        + "\",\"spanId\":\"b2b2b2b2b2b2b2b2\",\"parentSpanId\":\"a1a1a1a1a1a1a1a1\",\"name\":\"chat\",\"kind\":\"INTERNAL\","
        + "\"startTimeUnixNano\":" + (ns + 1_000_000) + ",\"endTimeUnixNano\":" + (ns + 2_000_000) + ",\"attributes\":{"
        + "\"gen_ai.operation.name\":\"chat\",\"session.id\":\"s-1\",\"gen_ai.request.model\":\"m-1\","
        + "\"gen_ai.usage.input_tokens\":100,\"gen_ai.usage.output_tokens\":20},\"status\":{\"code\":\"OK\"}}";
    String content = "{\"resource\":" + resource + ",\"scope\":{\"name\":\"strands.telemetry.tracer\"},"
        + "\"timeUnixNano\":" + (ns + 2_000_000) + ",\"severityNumber\":9,"
        // ADOT's LLO body: each message's content as the span event's attributes (Strands content JSON).
        + "\"body\":{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":{\"content\":"
        + "\"[{\\\"text\\\": \\\"What is 2 + 2?\\\"}]\"}}]},"
        + "\"output\":{\"messages\":[{\"role\":\"assistant\",\"content\":{\"message\":"
        + "\"[{\\\"text\\\": \\\"2 + 2 = 4.\\\"}]\",\"finish_reason\":\"end_turn\"}}]}},"
        + "\"attributes\":{\"event.name\":\"strands.telemetry.tracer\",\"session.id\":\"s-1\"},"
        + "\"traceId\":\"" + TRACE + "\",\"spanId\":\"b2b2b2b2b2b2b2b2\"}";
    try (CloudWatchLogsClient logs = CloudWatchLogsClient.builder().endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1).httpClient(UrlConnectionHttpClient.create())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("t", "t"))).build()) {
      put(logs, "aws/spans", List.of(chat, root), at.toEpochMilli());
      put(logs, "/aws/bedrock-agentcore/runtimes/calc-Zz9-DEFAULT", List.of(content), at.toEpochMilli() + 2);
    }
    for (String p : PROPERTIES) {
      saved.put(p, System.getProperty(p));
    }
    System.setProperty("aws.endpointUrlCloudWatchLogs", moto.endpoint().toString());
    System.setProperty("aws.endpointUrlXRay", moto.endpoint().toString());
    System.setProperty("aws.region", "us-east-1");
    System.setProperty("aws.accessKeyId", "testing");
    System.setProperty("aws.secretAccessKey", "testing");
  }

  private static void put(CloudWatchLogsClient logs, String group, List<String> messages, long ms) {
    logs.createLogGroup(b -> b.logGroupName(group));
    logs.createLogStream(b -> b.logGroupName(group).logStreamName("s"));
    logs.putLogEvents(b -> b.logGroupName(group).logStreamName("s").logEvents(messages.stream()
        .map(m -> InputLogEvent.builder().timestamp(ms).message(m).build()).toList()));
  }

  @AfterAll
  static void stop() {
    saved.forEach((k, v) -> {
      if (v == null) {
        System.clearProperty(k);
      } else {
        System.setProperty(k, v);
      }
    });
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void importedTwiceIntoTheEmbeddedStoreRecordsAndCountsTheRunOnce(@TempDir Path dir) throws Exception {
    String[] args = {"import", "cloudwatch", "--from", at.minusSeconds(60).toString(), "--to",
        at.plusSeconds(60).toString(), "--data-dir", dir.resolve("data").toString(),
        "--checkpoint", dir.resolve("cp.json").toString(), "--page-size", "1"};
    String first = run(args);
    assertThat(first).contains("1 run(s), 2 span(s), 1 log record(s)")
        .contains("usage: 100 input (0 cache read, 0 cache write), 20 output");
    String[] again = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("--restart"))
        .toArray(String[]::new);
    assertThat(run(again)).contains("1 run(s), 2 span(s), 1 log record(s)").contains("usage: 100 input");

    var dynamo = DynamoDBEmbedded.create(new File(dir.resolve("data").toFile(), EmbeddedStack.DATABASE_FILE), true);
    try {
      DynamoDbTraceStore store = DynamoDbTraceStore.create(dynamo.dynamoDbClient(), DynamoDbStoreConfig.builder().build());
      List<FunctionalRecord> records = store.findByTrace("default", TRACE).toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(records).filteredOn(r -> r.type() == RecordType.MODEL_RESPONSE).singleElement()
          .satisfies(r -> {
            assertThat(r.text()).isEqualTo("2 + 2 = 4.");
            assertThat(r.usage()).isEqualTo(Usage.of(100, 20));
          });
      LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
      Usage tenant = Usage.ZERO;
      for (UsageCell cell : store.usage("default", UsageKind.TENANT, day.minusDays(1), day.plusDays(1))
          .toCompletableFuture().get(30, TimeUnit.SECONDS)) {
        tenant = tenant.plus(cell.usage());
      }
      assertThat(tenant).isEqualTo(Usage.of(100, 20));
      store.shutdown().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } finally {
      dynamo.shutdown();
    }
  }

  /** Runs the command line in this JVM; its stdout (the summary). Fails unless it exits 0. */
  private static String run(String... args) {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int status;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      status = TraceBridge.execute(args, Map.of());
    } finally {
      System.setOut(out);
    }
    String text = captured.toString(StandardCharsets.UTF_8);
    assertThat(status).as(text).isZero();
    return text;
  }
}
