package io.tracebridge.runtime.testing;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Server-side SigV4 check: recomputes the signature of a received request with the SDK's signer
 * (same secret, the request's own {@code X-Amz-Date}, its signed headers and body) and compares the
 * whole {@code Authorization} header, so a wrong region, service, secret, header or body fails.
 */
public final class SigV4Check {
  private static final Pattern AUTH =
      Pattern.compile("AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** Parts of a parsed Authorization header. */
  public record Parsed(String accessKey, String region, String service, String signedHeaders) {}

  private SigV4Check() {}

  public static Parsed parse(String authorization) {
    Matcher m = AUTH.matcher(authorization == null ? "" : authorization);
    if (!m.matches()) {
      throw new AssertionError("not a SigV4 Authorization header: " + authorization);
    }
    return new Parsed(m.group(1), m.group(3), m.group(4), m.group(5));
  }

  /** The Authorization header the request should carry if signed with {@code accessKey}/{@code secretKey}. */
  public static String expected(LoopbackHttpServer.Recorded request, String accessKey, String secretKey) {
    return expected(request.method(), request.rawPath(), request.headers(), request.body(), accessKey, secretKey);
  }

  public static String expected(
      String method, String rawPath, Map<String, String> lowerCaseHeaders, byte[] body, String accessKey, String secretKey) {
    Parsed parsed = parse(lowerCaseHeaders.get("authorization"));
    Instant at = Instant.from(AMZ_DATE.parse(lowerCaseHeaders.get("x-amz-date")));
    String host = lowerCaseHeaders.get("host");
    SdkHttpRequest.Builder request =
        SdkHttpRequest.builder().method(SdkHttpMethod.fromValue(method.toUpperCase(Locale.ROOT)))
            .uri(URI.create("http://" + host + rawPath));
    for (String name : parsed.signedHeaders().split(";")) {
      if (!name.equals("host") && !name.equals("x-amz-date")) {
        String value = lowerCaseHeaders.get(name);
        if (value == null) {
          throw new AssertionError("signed header " + name + " missing from the request");
        }
        request.putHeader(name, value);
      }
    }
    SignedRequest signed =
        AwsV4HttpSigner.create().sign(r -> r.identity(AwsBasicCredentials.create(accessKey, secretKey))
            .request(request.build())
            .payload(ContentStreamProvider.fromByteArray(body))
            .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, parsed.service())
            .putProperty(AwsV4HttpSigner.REGION_NAME, parsed.region())
            .putProperty(AwsV4FamilyHttpSigner.PAYLOAD_SIGNING_ENABLED, true)
            .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(at, ZoneOffset.UTC)));
    return signed.request().firstMatchingHeader("Authorization").orElseThrow();
  }
}
