package io.tracebridge.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.annotation.Nullable;

/**
 * Bearer API keys mapped to tenants: {@code Authorization: Bearer <key>} acts for the key's tenant.
 * The one {@link TenantAuthenticator} the OTLP receivers, REST and the websocket share.
 *
 * <p>Keys are held only as SHA-256 digests, so a heap dump or {@link #toString()} never shows
 * one. Immutable and thread-safe; {@link #authenticate} does no I/O. Build with {@link #of(Map)}
 * or read a JSON file with {@link #fromFile(Path)}: {@code {"keys": {"<key>": "<tenant>", ...}}}.
 * With no keys configured use {@link #orDefault}: the embedded mode's single default tenant.
 */
public final class ApiKeyAuthenticator implements TenantAuthenticator {
  private static final String BEARER = "bearer ";

  private final Map<String, String> tenantByDigest;
  private final Set<String> tenants;

  private ApiKeyAuthenticator(Map<String, String> tenantByDigest) {
    this.tenantByDigest = Map.copyOf(tenantByDigest);
    this.tenants = Set.copyOf(new TreeSet<>(tenantByDigest.values()));
  }

  /**
   * @param tenantByKey API key → tenant; neither may be blank
   * @throws IllegalArgumentException for a blank key or tenant, or no keys at all
   */
  public static ApiKeyAuthenticator of(Map<String, String> tenantByKey) {
    if (tenantByKey.isEmpty()) {
      throw new IllegalArgumentException("apiKeys: at least one key is needed");
    }
    Map<String, String> byDigest = new HashMap<>();
    tenantByKey.forEach((key, tenant) -> {
      if (key == null || key.isBlank() || tenant == null || tenant.isBlank()) {
        throw new IllegalArgumentException("apiKeys: keys and tenants must not be blank");
      }
      byDigest.put(digest(key.trim()), tenant);
    });
    return new ApiKeyAuthenticator(byDigest);
  }

  /**
   * Reads {@code {"keys": {"<key>": "<tenant>"}}} from {@code file}.
   *
   * @throws IllegalArgumentException naming the file when it cannot be read or is malformed
   */
  public static ApiKeyAuthenticator fromFile(Path file) {
    try {
      return fromJson(Files.readString(file), "apiKeys file " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("apiKeys file " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads {@code {"keys": {"<key>": "<tenant>"}}} from {@code json} (a file's text, a Secrets
   * Manager secret string); {@code source} names where it came from in error messages and never
   * includes the keys.
   *
   * @throws IllegalArgumentException naming {@code source} when it is malformed
   */
  public static ApiKeyAuthenticator fromJson(String json, String source) {
    JsonNode keys;
    try {
      keys = new ObjectMapper().readTree(json).path("keys");
    } catch (IOException e) {
      throw new IllegalArgumentException(source + ": not JSON (" + e.getClass().getSimpleName() + ")", e);
    }
    if (!keys.isObject()) {
      throw new IllegalArgumentException(source + ": needs an object \"keys\"");
    }
    Map<String, String> map = new HashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = keys.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      map.put(e.getKey(), e.getValue().asText());
    }
    return of(map);
  }

  /** The keys of {@code tenantByKey}, or the single {@code defaultTenant} when there are none. */
  public static TenantAuthenticator orDefault(Map<String, String> tenantByKey, String defaultTenant) {
    return tenantByKey.isEmpty()
        ? TenantAuthenticator.singleTenant(defaultTenant)
        : of(tenantByKey);
  }

  @Override
  public String authenticate(@Nullable String authorization) throws AuthenticationException {
    if (authorization == null || authorization.isBlank()) {
      throw new AuthenticationException("missing credentials: send Authorization: Bearer <api key>");
    }
    String value = authorization.trim();
    if (value.length() <= BEARER.length()
        || !value.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      throw new AuthenticationException("Authorization must be 'Bearer <api key>'");
    }
    String tenant = tenantByDigest.get(digest(value.substring(BEARER.length()).trim()));
    if (tenant == null) {
      throw new AuthenticationException("unknown API key");
    }
    return tenant;
  }

  /** The tenants that have keys. */
  public Set<String> tenants() {
    return tenants;
  }

  @Override
  public String toString() {
    return "ApiKeyAuthenticator{keys=" + tenantByDigest.size() + ", tenants=" + tenants + "}";
  }

  private static String digest(String key) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
