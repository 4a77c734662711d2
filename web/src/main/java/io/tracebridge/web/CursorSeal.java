package io.tracebridge.web;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes cursors opaque and tamper-proof: AES-256-GCM over the cursor's bytes, bound (as
 * associated data) to what it is for and to the tenant it was issued to, so a cursor edited,
 * forged, issued to another tenant or for another kind of position is refused, and nothing in
 * it (store keys, session ids) can be read.
 *
 * <p>The nonce is synthetic: the first 12 bytes of an HMAC-SHA256 of the associated data and the
 * plaintext, under a key of its own (the SIV idea). Random nonces would cap a long-lived key
 * shared by every web node at about 2^32 cursors (websocket frames each carry one); a synthetic
 * nonce only repeats for the same plaintext, which then gives the same cursor and reveals
 * nothing else.
 *
 * <p>Every web node given the same secret accepts the others' cursors. Thread-safe.
 */
final class CursorSeal {
  private static final String PREFIX = "v1.";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec encryptionKey;
  private final boolean shared;
  /**
   * A Mac is not thread-safe and costs a key set-up: one per thread (event loops). Ciphers are
   * made per call: the JDK's GCM refuses to encrypt twice with one key and nonce on the same
   * instance, which a synthetic nonce does on purpose for an unchanged cursor.
   */
  private final ThreadLocal<Mac> nonceMac;

  private CursorSeal(byte[] secret, boolean shared) {
    this.encryptionKey = new SecretKeySpec(derive(secret, "tracebridge cursor encryption v1"), "AES");
    SecretKeySpec nonceKey = new SecretKeySpec(derive(secret, "tracebridge cursor nonce v1"), "HmacSHA256");
    this.nonceMac = ThreadLocal.withInitial(() -> {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(nonceKey);
        return mac;
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
      }
    });
    this.shared = shared;
    // Loads the JCE providers now, at start-up, rather than on the first live frame's cursor.
    open("warm-up", "", seal("warm-up", "", new byte[0]));
  }

  /** Keys derived from {@code secret}: every node given the same secret reads the others' cursors. */
  static CursorSeal fromSecret(String secret) {
    return new CursorSeal(secret.getBytes(StandardCharsets.UTF_8), true);
  }

  /** A random key for this process only: its cursors are refused by other nodes and after a restart. */
  static CursorSeal random() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return new CursorSeal(key, false);
  }

  /** True when built from a configured secret (cursors work across nodes). */
  boolean shared() {
    return shared;
  }

  /** The sealed text of {@code plain}, for {@code purpose} and {@code tenant}. */
  String seal(String purpose, String tenant, byte[] plain) {
    byte[] aad = aad(purpose, tenant);
    try {
      Mac mac = nonceMac.get();
      mac.update(aad);
      byte[] nonce = Arrays.copyOf(mac.doFinal(plain), NONCE_BYTES);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
      cipher.updateAAD(aad);
      byte[] sealed = cipher.doFinal(plain);
      byte[] out = new byte[NONCE_BYTES + sealed.length];
      System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
      System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
      return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  /**
   * The bytes {@link #seal} sealed into {@code text} for the same purpose and tenant.
   *
   * @throws BadCursorException for anything else: malformed, altered, another tenant's or
   *     another deployment's
   */
  byte[] open(String purpose, String tenant, String text) {
    byte[] raw;
    try {
      raw = text.startsWith(PREFIX) ? Base64.getUrlDecoder().decode(text.substring(PREFIX.length())) : null;
    } catch (IllegalArgumentException e) {
      raw = null;
    }
    if (raw == null || raw.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new BadCursorException("malformed cursor: use one the server sent");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
      cipher.updateAAD(aad(purpose, tenant));
      return cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new BadCursorException(shared
          ? "cursor refused: altered, issued to another tenant, or by another deployment"
          : "cursor refused: altered, issued to another tenant, or by another web node or an earlier run"
              + " of this one (give every web node the same --cursor-secret)");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available in this JDK", e);
    }
  }

  private static byte[] aad(String purpose, String tenant) {
    return (purpose + '\n' + tenant).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] derive(byte[] secret, String label) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.length == 0 ? new byte[1] : secret, "HmacSHA256"));
      return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
    }
  }

  /** A cursor that this deployment did not issue to this tenant; its message says so plainly. */
  static final class BadCursorException extends IllegalArgumentException {
    BadCursorException(String message) {
      super(message);
    }
  }
}
