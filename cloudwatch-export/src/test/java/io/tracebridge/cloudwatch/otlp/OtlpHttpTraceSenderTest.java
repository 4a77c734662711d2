package io.tracebridge.cloudwatch.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTracePartialSuccess;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.CloudWatchExport;
import io.tracebridge.cloudwatch.CloudWatchExportConfig;
import io.tracebridge.cloudwatch.ExportStats;
import io.tracebridge.cloudwatch.OtlpJson;
import io.tracebridge.aws.TransportRetryPolicy;
import io.tracebridge.aws.testing.SigV4Spec;
import io.tracebridge.cloudwatch.internal.ExportRetries;
import io.tracebridge.cloudwatch.internal.SpanInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The OTLP/HTTP path against a loopback server that checks what CloudWatch checks: the SigV4
 * {@code Authorization} header (service {@code xray}, region, signed headers, and the signature
 * itself, recomputed here independently of the SDK) and the OTLP protobuf body.
 */
class OtlpHttpTraceSenderTest {
  private static final String ACCESS_KEY = "AKIDEXAMPLE";
  private static final String SECRET_KEY = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String REGION = "us-west-2";
  private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
  private static final ExportTraceServiceRequest REQUEST = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
      + "strands_agent_root_segment_named_after_service_events_kept/input.otlp.json"));

  /** What the loopback endpoint saw. */
  record Received(String method, String path, Map<String, String> headers, byte[] body) {}

  private HttpServer server;
  private final List<Received> received = Collections.synchronizedList(new ArrayList<>());
  private volatile Function<Integer, int[]> answer = n -> new int[] {200, 0}; // status, retry-after
  private volatile byte[] okBody = new byte[0];
  private final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/v1/traces", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    Map<String, String> headers = new TreeMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
    received.add(new Received(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), headers,
        exchange.getRequestBody().readAllBytes()));
    int[] reply = answer.apply(received.size());
    if (reply[1] > 0) {
      exchange.getResponseHeaders().add("Retry-After", Integer.toString(reply[1]));
    }
    byte[] body = reply[0] == 200 ? okBody : new byte[0];
    exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
    exchange.sendResponseHeaders(reply[0], body.length == 0 ? -1 : body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  private URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces");
  }

  private OtlpHttpTraceSender sender(URI endpoint, int maxAttempts) {
    return new OtlpHttpTraceSender(endpoint, REGION,
        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)),
        HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build(),
        new ExportRetries(new TransportRetryPolicy(maxAttempts, Duration.ofMillis(100), Duration.ofSeconds(5)), waits::add).otlpLoop(),
        true, Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
  }

  @Test
  void signsWithSigV4ServiceXrayAndSendsTheGzippedOtlpBody() throws Exception {
    OtlpHttpTraceSender.Result result = sender(endpoint(), 3).send(REQUEST);

    assertThat(result.sent()).isEqualTo(4);
    assertThat(received).hasSize(1);
    Received request = received.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/v1/traces");
    assertThat(request.headers()).containsEntry("content-type", "application/x-protobuf")
        .containsEntry("content-encoding", "gzip")
        .containsEntry("x-amz-date", "20250101T100000Z");

    Matcher auth = AUTHORIZATION.matcher(request.headers().get("authorization"));
    assertThat(auth.matches()).as("Authorization: %s", request.headers().get("authorization")).isTrue();
    assertThat(auth.group(1)).isEqualTo(ACCESS_KEY);
    assertThat(auth.group(2)).isEqualTo("20250101");
    assertThat(auth.group(3)).isEqualTo(REGION);
    assertThat(auth.group(4)).isEqualTo("xray");
    List<String> signed = Arrays.asList(auth.group(5).split(";"));
    assertThat(signed).contains("host", "x-amz-date", "x-amz-content-sha256", "content-type", "content-encoding");
    assertThat(request.headers().get("x-amz-content-sha256")).isEqualTo(sha256Hex(request.body()));
    assertThat(auth.group(6)).as("signature recomputed from the request as received").isEqualTo(expectedSignature(request, signed));

    byte[] protobuf = new GZIPInputStream(new ByteArrayInputStream(request.body())).readAllBytes();
    assertThat(ExportTraceServiceRequest.parseFrom(protobuf)).isEqualTo(REQUEST);
  }

  @Test
  void throttlingIsRetriedHonouringRetryAfter() {
    answer = n -> n == 1 ? new int[] {429, 2} : new int[] {200, 0};
    OtlpHttpTraceSender.Result result = sender(endpoint(), 3).send(REQUEST);

    assertThat(received).hasSize(2);
    assertThat(result.sent()).isEqualTo(4);
    assertThat(waits).containsExactly(Duration.ofSeconds(2));
  }

  @Test
  void clientErrorIsPermanentAndNotRetried() {
    answer = n -> new int[] {403, 0};
    OtlpHttpTraceSender.Result result = sender(endpoint(), 5).send(REQUEST);

    assertThat(received).hasSize(1);
    assertThat(result.rejected()).isEqualTo(4);
    assertThat(result.failures()).singleElement().asString().contains("HTTP 403");
  }

  @Test
  void partialSuccessRejectedSpansAreCounted() {
    okBody = ExportTraceServiceResponse.newBuilder()
        .setPartialSuccess(ExportTracePartialSuccess.newBuilder().setRejectedSpans(1).setErrorMessage("span too old"))
        .build().toByteArray();
    OtlpHttpTraceSender.Result result = sender(endpoint(), 3).send(REQUEST);

    assertThat(result.sent()).isEqualTo(3);
    assertThat(result.rejected()).isEqualTo(1);
  }

  @Test
  void unavailableEndpointIsRetriedThenGivenUpWithoutThrowing() {
    server.stop(0);
    OtlpHttpTraceSender.Result result = sender(endpoint(), 3).send(REQUEST);

    assertThat(result.rejected()).isEqualTo(4);
    assertThat(waits).hasSize(2);
  }

  @Test
  void largeRequestsAreSplitWithinTheEndpointLimits() {
    List<ExportTraceServiceRequest> parts = OtlpHttpTraceSender.split(REQUEST, 3, Integer.MAX_VALUE);
    assertThat(parts).extracting(io.tracebridge.cloudwatch.internal.SpanInput::count).containsExactly(3, 1);
  }

  @Test
  void exportInOtlpModeSendsThroughTheQueue() {
    CloudWatchExportConfig config = otlpOnly(true);
    try (CloudWatchExport export = CloudWatchExport.create(config)) {
      assertThat(export.forward("t1", REQUEST)).isTrue();
      assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(ExportStats.Counter.OTLP_SPANS_SENT)).isEqualTo(4);
    }
    assertThat(received).hasSize(1);
    assertThat(received.get(0).headers().get("authorization")).contains("/us-west-2/xray/aws4_request");
  }

  @Test
  void exportInOtlpModeWithoutSpanContentSendsNoContentAndMarksTheSpans() throws Exception {
    ExportTraceServiceRequest everyKey = OtlpJson.read(Path.of("src/test/resources/testdata/xray/"
        + "span_content_off_removes_every_content_key_keeps_the_rest/input.otlp.json"));
    assertThat(new String(everyKey.toByteArray(), StandardCharsets.ISO_8859_1)).contains("SECRET-");
    CloudWatchExportConfig config = otlpOnly(false);
    try (CloudWatchExport export = CloudWatchExport.create(config)) {
      assertThat(export.forward("t1", everyKey)).isTrue();
      assertThat(export.flush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      assertThat(export.stats().get(ExportStats.Counter.OTLP_SPANS_SENT)).isEqualTo(8);
    }
    assertThat(received).hasSize(1);
    byte[] protobuf = new GZIPInputStream(new ByteArrayInputStream(received.get(0).body())).readAllBytes();
    assertThat(new String(protobuf, StandardCharsets.ISO_8859_1)).as("no content anywhere in the body").doesNotContain("SECRET-");
    ExportTraceServiceRequest sent = ExportTraceServiceRequest.parseFrom(protobuf);

    List<Span> before = SpanInput.flatten(everyKey).stream().map(SpanInput::span).toList();
    List<Span> after = SpanInput.flatten(sent).stream().map(SpanInput::span).toList();
    assertThat(after).hasSameSizeAs(before);
    assertThat(sent.getResourceSpans(0).getResource()).isEqualTo(everyKey.getResourceSpans(0).getResource());
    for (int i = 0; i < before.size(); i++) {
      Span original = before.get(i);
      Span stripped = after.get(i);
      List<KeyValue> kept = withoutSecrets(original.getAttributesList());
      boolean removed = kept.size() < original.getAttributesCount()
          || original.getEventsList().stream().anyMatch(e -> withoutSecrets(e.getAttributesList()).size() < e.getAttributesCount());
      List<KeyValue> expected = new ArrayList<>(kept);
      if (removed) {
        expected.add(KeyValue.newBuilder().setKey("tracebridge.content.removed")
            .setValue(AnyValue.newBuilder().setBoolValue(true)).build());
      }
      assertThat(stripped.getAttributesList()).as("attributes of %s", original.getName()).isEqualTo(expected);
      assertThat(stripped.toBuilder().clearAttributes().clearEvents().build())
          .as("ids, name, kind, times, status of %s", original.getName())
          .isEqualTo(original.toBuilder().clearAttributes().clearEvents().build());
      assertThat(stripped.getEventsList()).hasSameSizeAs(original.getEventsList());
      for (int e = 0; e < original.getEventsCount(); e++) {
        Span.Event event = original.getEvents(e);
        assertThat(stripped.getEvents(e))
            .isEqualTo(event.toBuilder().clearAttributes().addAllAttributes(withoutSecrets(event.getAttributesList())).build());
      }
    }
    assertThat(after.get(0).getAttributesList()).anyMatch(kv -> kv.getKey().equals("tracebridge.content.removed"));
    assertThat(after.get(7).getAttributesList()).as("the span without content is not marked")
        .noneMatch(kv -> kv.getKey().equals("tracebridge.content.removed"));
  }

  /** The fixture's content values, and only they, hold a SECRET- token. */
  private static List<KeyValue> withoutSecrets(List<KeyValue> attributes) {
    return attributes.stream().filter(kv -> !kv.getValue().toString().contains("SECRET-")).toList();
  }

  @Test
  void defaultEndpointComesFromTheRegionTemplate() {
    CloudWatchExportConfig config = CloudWatchExportConfig.builder().region("eu-west-1").build();
    assertThat(config.otlpTracesEndpoint("eu-west-1", "example.test"))
        .isEqualTo(URI.create("https://xray.eu-west-1.example.test/v1/traces"));
  }

  /** SigV4 recomputed from the received request, independently of the SDK signer. */
  private static String expectedSignature(Received request, List<String> signedHeaders) {
    return SigV4Spec.signature(request.method(), request.path(), request.headers(), signedHeaders, SECRET_KEY, REGION, "xray");
  }

  private static String sha256Hex(byte[] data) {
    return SigV4Spec.sha256Hex(data);
  }

  /** OTLP traces to the loopback endpoint, no Logs, no EMF; span content kept or removed. */
  private CloudWatchExportConfig otlpOnly(boolean spanContent) {
    return CloudWatchExportConfig.builder()
        .traces(CloudWatchExportConfig.Traces.OTLP)
        .spanContent(spanContent)
        .contentLogs(false)
        .emfMetrics(false)
        .region(REGION)
        .otlpTracesEndpoint(endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
        .build();
  }
}
