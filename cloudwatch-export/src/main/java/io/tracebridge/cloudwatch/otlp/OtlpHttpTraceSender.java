package io.tracebridge.cloudwatch.otlp;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.aws.SigV4Signer;
import io.tracebridge.aws.TransportRetryLoop;
import io.tracebridge.cloudwatch.internal.ExportException;
import io.tracebridge.cloudwatch.internal.SpanInput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * OTLP/HTTP protobuf to the CloudWatch OTLP traces endpoint ({@code /v1/traces}, which stores
 * spans in {@code aws/spans} for Transaction Search), signed with SigV4 for service {@value
 * #SIGNING_SERVICE} by aws-support's {@link SigV4Signer} (the SDK's {@code AwsV4HttpSigner}), as
 * ADOT's {@code SigV4AuthHeaderSupplier} does: the body is gzipped first (when enabled) and the
 * compressed bytes are signed, with payload signing on.
 *
 * <p>Requests are split to stay within the endpoint's limits ({@value #MAX_SPANS_PER_REQUEST}
 * spans, about {@value #MAX_REQUEST_BYTES} bytes uncompressed). 2xx is success (the partial
 * success's rejected spans are counted); 408, 429 and 5xx are retried by a {@link
 * TransportRetryLoop} (the SDK's standard strategy, the export's attempts and backoff), honouring
 * {@code Retry-After}; any other status is permanent.
 *
 * <p>Blocking: call on the export's worker threads only. Thread-safe.
 */
public final class OtlpHttpTraceSender {
  public static final String SIGNING_SERVICE = SigV4Signer.XRAY_SERVICE;
  public static final int MAX_SPANS_PER_REQUEST = 10_000;
  /** 5 MB endpoint limit, less headroom for the envelope. */
  public static final int MAX_REQUEST_BYTES = 5 * 1024 * 1024 - 64 * 1024;

  private final URI endpoint;
  private final HttpClient http;
  private final TransportRetryLoop retries;
  private final boolean gzip;
  private final Duration timeout;
  private final SigV4Signer signer;

  public OtlpHttpTraceSender(
      URI endpoint, String region, AwsCredentialsProvider credentials, HttpClient http, TransportRetryLoop retries,
      boolean gzip, Duration timeout, Clock signingClock) {
    this.endpoint = endpoint;
    this.http = http;
    this.retries = retries;
    this.gzip = gzip;
    this.timeout = timeout;
    this.signer = new SigV4Signer(credentials, region, SIGNING_SERVICE, signingClock);
  }

  /**
   * How a send went, in spans.
   *
   * @param failures one line per failed request (status and reason only, no payload)
   */
  public record Result(int sent, int rejected, List<String> failures) {}

  /** Sends the request (split when needed); never throws for a failed call. */
  public Result send(ExportTraceServiceRequest request) {
    int sent = 0;
    int rejected = 0;
    List<String> failures = new ArrayList<>();
    for (ExportTraceServiceRequest part : split(request, MAX_SPANS_PER_REQUEST, MAX_REQUEST_BYTES)) {
      int spans = SpanInput.count(part);
      try {
        long refused = retries.call("otlp", () -> post(part));
        sent += spans - (int) refused;
        rejected += (int) refused;
        if (refused > 0) {
          failures.add(refused + " spans rejected by the endpoint (partial success)");
        }
      } catch (Exception e) {
        rejected += spans;
        failures.add(spans + " spans: " + ExportException.classify(e).getMessage());
      }
    }
    return new Result(sent, rejected, failures);
  }

  private long post(ExportTraceServiceRequest request) throws IOException, InterruptedException {
    byte[] body = gzip ? gzip(request.toByteArray()) : request.toByteArray();
    Map<String, String> signedHeaders = new LinkedHashMap<>();
    signedHeaders.put("Content-Type", "application/x-protobuf");
    if (gzip) {
      signedHeaders.put("Content-Encoding", "gzip");
    }
    HttpRequest.Builder outgoing = HttpRequest.newBuilder(endpoint)
        .timeout(timeout)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    signedHeaders.forEach(outgoing::header);
    signer.sign("POST", endpoint, signedHeaders, body).forEach(outgoing::header);
    HttpResponse<byte[]> response = http.send(outgoing.build(), HttpResponse.BodyHandlers.ofByteArray());
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return rejectedSpans(response.body());
    }
    String message = "OTLP endpoint answered HTTP " + status;
    if (ExportException.retryableStatus(status)) {
      Duration retryAfter = response.headers().firstValue("Retry-After").flatMap(OtlpHttpTraceSender::seconds).orElse(null);
      throw ExportException.retryable(message, retryAfter, null);
    }
    throw ExportException.permanent(message, null);
  }

  private static long rejectedSpans(byte[] body) {
    if (body.length == 0) {
      return 0;
    }
    try {
      return ExportTraceServiceResponse.parseFrom(body).getPartialSuccess().getRejectedSpans();
    } catch (InvalidProtocolBufferException e) {
      return 0; // a JSON or empty answer: nothing reported as rejected
    }
  }

  private static java.util.Optional<Duration> seconds(String value) {
    try {
      return java.util.Optional.of(Duration.ofSeconds(Long.parseLong(value.trim())));
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  static byte[] gzip(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length / 4 + 64);
    try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
      zip.write(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** Splits a request into parts of at most {@code maxSpans} spans and about {@code maxBytes}. */
  /** The requests {@link #send} makes of {@code request}. */
  public static List<ExportTraceServiceRequest> split(ExportTraceServiceRequest request) {
    return split(request, MAX_SPANS_PER_REQUEST, MAX_REQUEST_BYTES);
  }

  static List<ExportTraceServiceRequest> split(ExportTraceServiceRequest request, int maxSpans, int maxBytes) {
    if (SpanInput.count(request) <= maxSpans && request.getSerializedSize() <= maxBytes) {
      return List.of(request);
    }
    List<ExportTraceServiceRequest> parts = new ArrayList<>();
    ExportTraceServiceRequest.Builder part = ExportTraceServiceRequest.newBuilder();
    int spans = 0;
    int bytes = 0;
    for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
      for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
        ScopeSpans.Builder scope = null;
        for (Span span : scopeSpans.getSpansList()) {
          int size = span.getSerializedSize() + 16;
          if (spans > 0 && (spans + 1 > maxSpans || bytes + size > maxBytes)) {
            if (scope != null) {
              part.addResourceSpans(resourceSpans.toBuilder().clearScopeSpans().addScopeSpans(scope));
            }
            parts.add(part.build());
            part = ExportTraceServiceRequest.newBuilder();
            scope = null;
            spans = 0;
            bytes = 0;
          }
          if (scope == null) {
            scope = scopeSpans.toBuilder().clearSpans();
            bytes += resourceSpans.getResource().getSerializedSize() + scopeSpans.getScope().getSerializedSize();
          }
          scope.addSpans(span);
          spans++;
          bytes += size;
        }
        if (scope != null) {
          part.addResourceSpans(resourceSpans.toBuilder().clearScopeSpans().addScopeSpans(scope));
        }
      }
    }
    if (spans > 0) {
      parts.add(part.build());
    }
    return parts;
  }
}
