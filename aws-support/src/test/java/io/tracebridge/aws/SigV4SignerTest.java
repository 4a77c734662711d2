package io.tracebridge.aws;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.aws.testing.SigV4Spec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The signature recomputed here from the SigV4 specification, independently of the SDK signer. */
class SigV4SignerTest {
  private static final String KEY = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T10:00:00Z"), ZoneOffset.UTC);
  private static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

  @Test
  void aBinaryBodyWithExtraSignedHeadersIsSignedAsTheSpecificationSays() throws Exception {
    SigV4Signer signer = new SigV4Signer(StaticCredentialsProvider.create(AwsBasicCredentials.create(KEY, SECRET)),
        "us-west-2", SigV4Signer.XRAY_SERVICE, CLOCK);
    byte[] body = {0x1f, (byte) 0x8b, 8, 0, 1, 2, 3, (byte) 0xff};
    URI uri = URI.create("http://127.0.0.1:4318/v1/traces");
    Map<String, String> extra = Map.of("Content-Type", "application/x-protobuf", "Content-Encoding", "gzip");

    Map<String, String> added = signer.sign("POST", uri, extra, body);

    assertThat(added.keySet()).map(k -> k.toLowerCase(Locale.ROOT))
        .containsExactlyInAnyOrder("authorization", "x-amz-date", "x-amz-content-sha256");
    Map<String, String> sent = new TreeMap<>();
    added.forEach((k, v) -> sent.put(k.toLowerCase(Locale.ROOT), v));
    extra.forEach((k, v) -> sent.put(k.toLowerCase(Locale.ROOT), v));
    sent.put("host", "127.0.0.1:4318");
    assertThat(sent).containsEntry("x-amz-date", "20250101T100000Z").containsEntry("x-amz-content-sha256", sha256Hex(body));

    Matcher auth = AUTHORIZATION.matcher(sent.get("authorization"));
    assertThat(auth.matches()).as(sent.get("authorization")).isTrue();
    assertThat(List.of(auth.group(1), auth.group(2), auth.group(3), auth.group(4)))
        .containsExactly(KEY, "20250101", "us-west-2", "xray");
    List<String> signed = Arrays.asList(auth.group(5).split(";"));
    assertThat(signed).containsExactly("content-encoding", "content-type", "host", "x-amz-content-sha256", "x-amz-date");
    assertThat(auth.group(6)).isEqualTo(expected("POST", "/v1/traces", sent, signed, "us-west-2", "xray"));
  }

  @Test
  void aTextBodySignsAsItsUtf8BytesAndSessionCredentialsAddTheirToken() throws Exception {
    SigV4Signer signer = new SigV4Signer(
        StaticCredentialsProvider.create(AwsSessionCredentials.create(KEY, SECRET, "session-token")),
        "us-east-1", SigV4Signer.AGENTCORE_SERVICE, CLOCK);
    String body = "{\"jsonrpc\":\"2.0\",\"method\":\"tools/list\",\"id\":\"ü\"}";

    Map<String, String> asText = signer.sign("post", URI.create("https://gw.example.test/mcp"), Map.of(), body);
    Map<String, String> asBytes = signer.sign("POST", URI.create("https://gw.example.test/mcp"), Map.of(),
        body.getBytes(StandardCharsets.UTF_8));

    assertThat(asText).isEqualTo(asBytes).containsEntry("X-Amz-Security-Token", "session-token");
    assertThat(asText.get("x-amz-content-sha256")).isEqualTo(sha256Hex(body.getBytes(StandardCharsets.UTF_8)));
    assertThat(asText.get("Authorization")).contains("/us-east-1/bedrock-agentcore/aws4_request");
    assertThat(signer.sign("GET", URI.create("https://gw.example.test/mcp"), Map.of(), (String) null)
        .get("x-amz-content-sha256")).isEqualTo(sha256Hex(new byte[0]));
  }

  private static String expected(String method, String path, Map<String, String> headers, List<String> signed,
      String region, String service) {
    return SigV4Spec.signature(method, path, headers, signed, SECRET, region, service);
  }

  private static String sha256Hex(byte[] data) {
    return SigV4Spec.sha256Hex(data);
  }
}
