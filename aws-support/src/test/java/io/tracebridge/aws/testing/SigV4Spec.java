package io.tracebridge.aws.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A SigV4 signature computed from the specification (canonical request, string to sign, derived
 * key), independently of the SDK: tests recompute what a request as received should carry. For
 * requests without a query string.
 */
public final class SigV4Spec {
  private SigV4Spec() {}

  /**
   * The hex signature of a request.
   *
   * @param lowerCaseHeaders the request's headers as received, names lower case (must hold {@code
   *     x-amz-date}, {@code x-amz-content-sha256} and every signed header)
   * @param signedHeaders the names from the {@code SignedHeaders} part, in its order
   */
  public static String signature(String method, String path, Map<String, String> lowerCaseHeaders, List<String> signedHeaders,
      String secretKey, String region, String service) {
    StringBuilder canonical = new StringBuilder(method).append('\n').append(path).append("\n\n");
    for (String header : signedHeaders) {
      canonical.append(header).append(':').append(lowerCaseHeaders.get(header).trim().replaceAll(" +", " ")).append('\n');
    }
    canonical.append('\n').append(String.join(";", signedHeaders)).append('\n')
        .append(lowerCaseHeaders.get("x-amz-content-sha256"));
    String amzDate = lowerCaseHeaders.get("x-amz-date");
    String date = amzDate.substring(0, 8);
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + date + "/" + region + "/" + service + "/aws4_request\n"
        + sha256Hex(canonical.toString().getBytes(StandardCharsets.UTF_8));
    byte[] key = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), date);
    key = hmac(hmac(hmac(key, region), service), "aws4_request");
    return HexFormat.of().formatHex(hmac(key, toSign));
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
