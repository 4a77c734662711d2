package io.tracebridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.tracebridge.mapper.RecordJson;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API description as a running web node serves it ({@code /api/openapi.json} and {@code
 * /api/websocket.schema.json}, fetched over HTTP), and checks of real answers and frames against
 * it. Schemas are resolved by the addresses the node serves them at, so the OpenAPI document's
 * relative reference to the websocket schema is followed exactly as a client would follow it.
 */
final class ApiContract {
  static final String OPENAPI = ApiDescription.OPENAPI_PATH;
  static final String FRAMES = ApiDescription.WEBSOCKET_SCHEMA_PATH;

  final String base;
  final JsonNode openapi;
  final JsonNode frames;
  private final SchemaRegistry registry;
  private final Map<String, Schema> schemas = new ConcurrentHashMap<>();

  ApiContract(WebTestSupport web) throws Exception {
    base = "http://127.0.0.1:" + web.port;
    HttpResponse<String> doc = web.get(OPENAPI, null);
    HttpResponse<String> ws = web.get(FRAMES, null);
    assertThat(doc.statusCode()).isEqualTo(200);
    assertThat(ws.statusCode()).isEqualTo(200);
    openapi = RecordJson.mapper().readTree(doc.body());
    frames = RecordJson.mapper().readTree(ws.body());
    registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12, b -> b
        .schemas(Map.of(base + OPENAPI, doc.body(), base + FRAMES, ws.body()))
        .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
  }

  /** What is wrong with {@code json} by the schema at {@code iri} (absolute, with its fragment); empty if valid. */
  List<String> problems(String iri, String json) {
    Schema schema = schemas.computeIfAbsent(iri,
        i -> registry.getSchema("{\"$ref\":\"" + i + "\"}", InputFormat.JSON));
    return schema.validate(json, InputFormat.JSON).stream().map(Object::toString).toList();
  }

  /** The address of {@code components/schemas/<name>} of the OpenAPI document. */
  String component(String name) {
    assertThat(openapi.path("components").path("schemas").has(name)).as("components/schemas/" + name).isTrue();
    return base + OPENAPI + "#/components/schemas/" + name;
  }

  /** The address of {@code $defs/<name>} of the websocket schema. */
  String frameDef(String name) {
    assertThat(frames.path("$defs").has(name)).as("$defs/" + name).isTrue();
    return base + FRAMES + "#/$defs/" + name;
  }

  void assertValid(String iri, String json) {
    assertThat(problems(iri, json)).as(json.length() > 2000 ? json.substring(0, 2000) + "…" : json).isEmpty();
  }

  void assertInvalid(String iri, String json) {
    assertThat(problems(iri, json)).as("should not validate against " + iri + ": " + json).isNotEmpty();
  }

  /**
   * {@code response} of {@code GET <template>} is documented: its status is one of the
   * operation's responses, its media type one of that response's, and its body valid by that
   * media type's schema. Returns the schema's address.
   */
  String assertDocumented(String template, HttpResponse<String> response) {
    JsonNode operation = openapi.path("paths").path(template).path("get");
    assertThat(operation.isObject()).as("GET " + template + " is in the document").isTrue();
    String status = Integer.toString(response.statusCode());
    JsonNode answer = operation.path("responses").path(status);
    assertThat(answer.isObject()).as("GET " + template + " documents status " + status + " (" + response.body() + ")")
        .isTrue();
    if (answer.has("$ref")) {
      answer = openapi.at(answer.get("$ref").asText().substring(1));
    }
    String contentType = response.headers().firstValue("content-type").orElse("");
    String mediaType = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonNode content = answer.path("content").path(mediaType);
    assertThat(content.isObject()).as("GET " + template + " " + status + " documents " + mediaType + ", has "
        + answer.path("content")).isTrue();
    JsonNode schema = content.path("schema");
    if (!mediaType.endsWith("json")) {
      assertThat(schema.path("type").asText()).isEqualTo("string");
      return null;
    }
    String iri;
    if (schema.has("$ref")) {
      iri = base + OPENAPI + schema.get("$ref").asText();
    } else {
      assertThat(schema.toString()).as("an inline schema holds no reference").doesNotContain("$ref");
      iri = null;
    }
    List<String> problems = iri != null ? problems(iri, response.body())
        : registry.getSchema(schema.toString(), InputFormat.JSON).validate(response.body(), InputFormat.JSON)
            .stream().map(Object::toString).toList();
    assertThat(problems).as("GET " + template + " " + status + ": " + abbreviated(response.body())).isEmpty();
    return iri;
  }

  /** Every {@code "<method> <path>"} the document describes, paths in its {@code {name}} form. */
  Set<String> documentedOperations() {
    Set<String> out = new TreeSet<>();
    openapi.path("paths").properties().forEach(p -> p.getValue().fieldNames().forEachRemaining(m -> {
      if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(m)) {
        out.add(m + " " + p.getKey());
      }
    }));
    return out;
  }

  /** Every {@code "<method> <path>"} routed by {@code routes} that names a method, {@code :name} as {@code {name}}. */
  static Set<String> routedOperations(List<Route> routes) {
    Set<String> out = new TreeSet<>();
    for (Route r : routes) {
      if (r.getPath() == null || r.methods() == null || r.methods().isEmpty()) {
        continue;
      }
      for (HttpMethod m : r.methods()) {
        out.add(m.name().toLowerCase(Locale.ROOT) + " " + r.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}"));
      }
    }
    return out;
  }

  /** Every {@code $ref} in either document that does not resolve (local, or into the other document). */
  List<String> danglingReferences() {
    List<String> dangling = new java.util.ArrayList<>();
    collect(openapi, "openapi.json", dangling);
    collect(frames, "websocket.schema.json", dangling);
    return dangling;
  }

  private void collect(JsonNode node, String file, List<String> dangling) {
    if (node.isObject() && node.path("$ref").isTextual()) {
      String ref = node.get("$ref").asText();
      int hash = ref.indexOf('#');
      String target = hash <= 0 ? file : ref.substring(0, hash);
      JsonNode doc = target.equals("openapi.json") ? openapi : target.equals("websocket.schema.json") ? frames : null;
      String pointer = hash < 0 ? "" : ref.substring(hash + 1);
      if (doc == null || doc.at(pointer).isMissingNode()) {
        dangling.add(file + ": " + ref);
      }
    }
    node.forEach(child -> collect(child, file, dangling));
  }

  static String abbreviated(String body) {
    return body.length() > 600 ? body.substring(0, 600) + "…" : body;
  }
}
