package io.tracebridge.runtime.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.runtime.core.ModelException;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.telemetry.ClientSpans;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/**
 * The one JSON-over-HTTP call the HTTP models share: POST a JSON body, read a JSON answer, and
 * turn every failure (transport, non-2xx, body that is not JSON) into a {@link ModelException}
 * carrying the status and the server's {@code error.message} (abbreviated), never the prompt.
 * Both OpenAI and Gemini report errors as {@code {"error": {"message": ...}}}.
 */
final class JsonPost {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final String label;
  private final Duration timeout;

  /** {@code label} names the endpoint kind in error messages, e.g. "Gemini endpoint". */
  JsonPost(String label, Duration timeout) {
    this.label = label;
    this.timeout = timeout;
  }

  JsonNode post(URI endpoint, Map<String, String> headers, JsonNode body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("accept", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new ModelException(label + " " + endpoint + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelException("interrupted while calling " + endpoint, e);
    }
    ClientSpans.setStatusCode(response.statusCode());
    JsonNode json;
    try {
      json = Json.read(response.body());
    } catch (JsonProcessingException e) {
      throw new ModelException(label + " returned HTTP " + response.statusCode() + " with a body that is not JSON");
    }
    if (response.statusCode() / 100 != 2) {
      String message = json.path("error").path("message").asText(json.path("error").asText(""));
      throw new ModelException(label + " returned HTTP " + response.statusCode() + ": " + abbreviate(message));
    }
    return json;
  }

  private static String abbreviate(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
