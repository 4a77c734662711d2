package io.tracebridge.aws;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.annotation.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * SigV4 request signing with the SDK's {@link AwsV4HttpSigner} ({@code http-auth-aws}), for HTTP
 * clients the AWS SDK does not drive: the MCP transport talking to AgentCore Gateway (the seed's
 * {@code SigV4HTTPXAuth}, service {@value #AGENTCORE_SERVICE}) and the CloudWatch OTLP traces
 * endpoint (service {@value #XRAY_SERVICE}, as ADOT's {@code SigV4AuthHeaderSupplier}).
 *
 * <p>Signs {@code host}, the headers the caller names and the {@code x-amz-*} headers it adds,
 * with a signed payload ({@code x-amz-content-sha256}), so the headers to add are exactly the
 * caller's and those {@link #sign} returns; other headers the client adds are not signed and
 * cannot break the signature. Credentials are resolved per request (rotating providers work).
 * Thread-safe.
 */
public final class SigV4Signer {
  /** AgentCore Gateway's signing name. */
  public static final String AGENTCORE_SERVICE = "bedrock-agentcore";
  /** The signing name of the CloudWatch OTLP traces endpoint ({@code xray.{region}...}). */
  public static final String XRAY_SERVICE = "xray";

  private final AwsCredentialsProvider credentials;
  private final String region;
  private final String service;
  private final Clock clock;
  private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

  public SigV4Signer(AwsCredentialsProvider credentials, String region, String service) {
    this(credentials, region, service, Clock.systemUTC());
  }

  /** With a signing clock (tests that recompute a signature). */
  public SigV4Signer(AwsCredentialsProvider credentials, String region, String service, Clock clock) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.region = Objects.requireNonNull(region, "region");
    this.service = Objects.requireNonNull(service, "service");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  public String region() {
    return region;
  }

  public String service() {
    return service;
  }

  /**
   * The headers to add to a request: {@code Authorization}, {@code X-Amz-Date}, {@code
   * x-amz-content-sha256} and, with session credentials, {@code X-Amz-Security-Token}.
   *
   * @param extraSignedHeaders headers the request will carry that must also be signed (may be
   *     empty); the caller sets them itself, they are not in the result
   * @param body the exact request body (UTF-8), or null for none
   */
  public Map<String, String> sign(String method, URI uri, Map<String, String> extraSignedHeaders, @Nullable String body) {
    return sign(method, uri, extraSignedHeaders, body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8));
  }

  /** As {@link #sign(String, URI, Map, String)}, for a binary body (a gzipped protobuf, say). */
  public Map<String, String> sign(String method, URI uri, Map<String, String> extraSignedHeaders, byte[] body) {
    Objects.requireNonNull(body, "body");
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT))).uri(uri);
    extraSignedHeaders.forEach(request::putHeader);
    SignedRequest signed = signer.sign(r -> r
        .identity(credentials.resolveCredentials())
        .request(request.build())
        .payload(ContentStreamProvider.fromByteArray(body))
        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
        .putProperty(AwsV4HttpSigner.REGION_NAME, region)
        .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
        .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      String name = h.getKey();
      if (name.equalsIgnoreCase("host") || containsIgnoreCase(extraSignedHeaders, name)) {
        continue;
      }
      out.put(name, String.join(",", h.getValue()));
    }
    return out;
  }

  private static boolean containsIgnoreCase(Map<String, String> headers, String name) {
    for (String key : headers.keySet()) {
      if (key.equalsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "SigV4Signer{service=" + service + ", region=" + region + "}";
  }
}
