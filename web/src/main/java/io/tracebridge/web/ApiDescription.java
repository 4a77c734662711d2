package io.tracebridge.web;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The API's machine-readable description, served as the resource files hold it, without
 * authentication (it names no tenant's data): {@code GET /api/openapi.json} (OpenAPI 3.1, every
 * REST route of the web node, {@code application/json}) and {@code GET /api/websocket.schema.json}
 * (JSON Schema 2020-12 of the {@code /ws} frames both ways and of the functional record, {@code
 * application/schema+json}), which the OpenAPI document references by the relative address
 * {@code websocket.schema.json}. {@code ApiDescriptionTest} holds the documents to the running
 * server: every route documented, every documented route served, real answers and frames valid.
 */
final class ApiDescription {
  static final String OPENAPI_PATH = "/api/openapi.json";
  static final String WEBSOCKET_SCHEMA_PATH = "/api/websocket.schema.json";
  static final String OPENAPI_RESOURCE = "api/openapi.json";
  static final String WEBSOCKET_SCHEMA_RESOURCE = "api/websocket.schema.json";

  private ApiDescription() {}

  /** Adds both routes; call before the {@code /api} authentication handler. */
  static void install(Router router) {
    Buffer openapi = resource(OPENAPI_RESOURCE);
    Buffer frames = resource(WEBSOCKET_SCHEMA_RESOURCE);
    router.get(OPENAPI_PATH).handler(ctx -> ctx.response()
        .putHeader("content-type", "application/json").end(openapi));
    router.get(WEBSOCKET_SCHEMA_PATH).handler(ctx -> ctx.response()
        .putHeader("content-type", "application/schema+json").end(frames));
  }

  /** A resource of this module, read once at start-up; a missing one fails the start. */
  static Buffer resource(String name) {
    try (InputStream in = ApiDescription.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("resource " + name + " is missing from the web module");
      }
      return Buffer.buffer(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read resource " + name, e);
    }
  }
}
