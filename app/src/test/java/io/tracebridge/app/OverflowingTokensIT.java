package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.tracebridge.mapper.Dialect;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordIds;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.RecordType;
import io.tracebridge.mapper.Usage;
import io.tracebridge.web.WebConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12, item 5, read side, over DynamoDB Local: items stored with {@code Long.MAX_VALUE} input
 * tokens (as ingest accepted before it validated them) make every read path answer, never hang.
 */
class OverflowingTokensIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  private EmbeddedStack stack;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    stack = EmbeddedStack.start(EmbeddedStack.Options.ephemeral());
  }

  @AfterEach
  void stop() {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void aTraceWhoseTokensOverflowIsAnsweredWithARequestIdAndTheOtherReadsStillAnswer() throws Exception {
    String traceId = UUID.randomUUID().toString().replace("-", "");
    String session = "overflow-" + UUID.randomUUID();
    Instant at = Instant.now();
    List<FunctionalRecord> records = List.of(modelCall(traceId, session, "00f067aa0ba902b1", at),
        modelCall(traceId, session, "00f067aa0ba902b2", at.plusMillis(1)));
    stack.store().accept(records).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);

    HttpResponse<String> trace = get("/api/traces/" + traceId);
    assertThat(trace.statusCode()).as(trace.body()).isEqualTo(500);
    assertThat(RecordJson.mapper().readTree(trace.body()).path("requestId").asText()).isNotBlank();
    assertThat(trace.body()).doesNotContain("negative", "Exception");

    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    for (String path : List.of("/api/traces?sessionId=" + session, "/api/traces/" + traceId + "?view=legacy",
        "/api/usage?groupBy=model&from=" + today.minusDays(1) + "&to=" + today.plusDays(1))) {
      HttpResponse<String> answer = get(path);
      JsonNode body = RecordJson.mapper().readTree(answer.body());
      assertThat(answer.statusCode()).as(path + ": " + answer.body()).isIn(200, 500);
      if (answer.statusCode() == 500) {
        assertThat(body.path("requestId").asText()).as(path).isNotBlank();
      }
    }
  }

  private static FunctionalRecord modelCall(String traceId, String session, String spanId, Instant at) {
    return FunctionalRecord.builder()
        .tenant(WebConfig.DEFAULT_TENANT).traceId(traceId).spanId(spanId)
        .recordId(RecordIds.of(traceId, spanId, "model"))
        .type(RecordType.MODEL_RESPONSE).timestamp(at).dialect(Dialect.GENAI_SEMCONV)
        .sessionId(session).model("gpt-4o").usage(new Usage(Long.MAX_VALUE, 1, 0, 0, 0))
        .build();
  }

  /** With the client's own time-out: before the fix the trace's answer never came. */
  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(stack.webBaseUrl() + path)).timeout(WAIT).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
