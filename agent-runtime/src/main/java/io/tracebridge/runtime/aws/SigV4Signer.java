package io.tracebridge.runtime.aws;

import java.net.URI;
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
 * clients the AWS SDK does not drive, such as the MCP transport talking to AgentCore Gateway (the
 * seed's {@code SigV4HTTPXAuth}, service {@code bedrock-agentcore}).
 *
 * <p>Signs {@code host} and the {@code x-amz-*} headers it adds, with a signed payload ({@code
 * x-amz-content-sha256}), so the headers to copy are exactly those {@link #sign} returns; other
 * headers the client adds are not signed and cannot break the signature. Credentials are resolved
 * per request (so rotating providers work). Thread-safe.
 */
public final class SigV4Signer {
  /** AgentCore Gateway's signing name. */
  public static final String AGENTCORE_SERVICE = "bedrock-agentcore";

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
   * @param extraSignedHeaders headers the request will carry that must also be signed (may be empty)
   * @param body the exact request body, or null for none
   */
  public Map<String, String> sign(
      String method, URI uri, Map<String, String> extraSignedHeaders, @Nullable String body) {
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT))).uri(uri);
    extraSignedHeaders.forEach(request::putHeader);
    String payload = body == null ? "" : body;
    SignedRequest signed =
        signer.sign(
            r ->
                r.identity(credentials.resolveCredentials())
                    .request(request.build())
                    .payload(ContentStreamProvider.fromUtf8String(payload))
                    .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                    .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                    .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
                    .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      String name = h.getKey();
      if (name.equalsIgnoreCase("host") || extraSignedHeaders.containsKey(name)) {
        continue;
      }
      out.put(name, String.join(",", h.getValue()));
    }
    return out;
  }

  @Override
  public String toString() {
    return "SigV4Signer{service=" + service + ", region=" + region + "}";
  }
}
