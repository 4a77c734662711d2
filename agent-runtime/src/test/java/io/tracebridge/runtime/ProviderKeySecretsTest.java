package io.tracebridge.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.runtime.core.Message;
import io.tracebridge.runtime.core.Model;
import io.tracebridge.runtime.core.ModelRequestOptions;
import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.model.Models;
import io.tracebridge.runtime.model.OpenAiProvider;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Keys of named providers ({@code api_key_secret} in {@code OPENAI_PROVIDERS}) and of Gemini
 * ({@code GEMINI_API_KEY_SECRET}) read from a loopback server speaking the Secrets Manager JSON
 * protocol, each secret once, and sent to loopback model servers.
 */
class ProviderKeySecretsTest {
  private static final String CHAT = "{\"choices\":[{\"finish_reason\":\"stop\",\"message\":{\"content\":\"ok\"}}]}";
  private static final String GEMINI = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"ok\"}]},\"finishReason\":\"STOP\"}]}";

  @Test
  void providerAndGeminiKeysComeFromTheirSecrets() throws Exception {
    try (LoopbackHttpServer secrets = new LoopbackHttpServer();
        LoopbackHttpServer groq = new LoopbackHttpServer();
        LoopbackHttpServer gemini = new LoopbackHttpServer()) {
      secrets.reply(new Reply(200, "application/x-amz-json-1.1", "{\"Name\":\"rt/groq\",\"SecretString\":\"gsk-from-secret\"}"));
      secrets.reply(new Reply(200, "application/x-amz-json-1.1",
          "{\"Name\":\"rt/gemini\",\"SecretString\":\"{\\\"GEMINI_API_KEY\\\":\\\"g-from-secret\\\"}\"}"));
      groq.reply(Reply.json(CHAT));
      gemini.reply(Reply.json(GEMINI));
      RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of(
          "OPENAI_PROVIDERS", "{\"groq\":{\"base_url\":\"" + groq.baseUrl() + "/v1\",\"api_key_secret\":\"rt/groq\"}}",
          "GEMINI_API_KEY_SECRET", "rt/gemini",
          "GEMINI_NATIVE_BASE_URL", gemini.baseUrl()));
      List<SecretsManagerClient> opened = new ArrayList<>();
      Function<String, Model> models = Models.resolver(config, AnonymousCredentialsProvider::create, () -> null,
          AgentRuntimeMain.keySecrets(() -> {
            SecretsManagerClient client = SecretsManagerClient.builder()
                .region(Region.EU_WEST_1)
                .endpointOverride(URI.create(secrets.baseUrl()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBOOTSTRAP", "boot")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
            opened.add(client);
            return client;
          }));

      for (int i = 0; i < 2; i++) {
        models.apply("groq:llama-3.3-70b").converse(List.of(Message.user("hi")), List.of(), null, new ModelRequestOptions(5));
      }
      models.apply("gemini-native:gemini-2.5-flash").converse(List.of(Message.user("hi")), List.of(), null, new ModelRequestOptions(5));

      assertThat(groq.requests()).hasSize(2)
          .allSatisfy(r -> assertThat(r.header("authorization")).isEqualTo("Bearer gsk-from-secret"));
      assertThat(gemini.requests().get(0).header("x-goog-api-key")).isEqualTo("g-from-secret");
      assertThat(secrets.requests()).hasSize(2);
      assertThat(Json.read(secrets.requests().get(0).bodyText()).path("SecretId").asText()).isEqualTo("rt/groq");
      assertThat(Json.read(secrets.requests().get(1).bodyText()).path("SecretId").asText()).isEqualTo("rt/gemini");
      assertThat(opened).hasSize(2);
      assertThat(config.openAiProviders().get("groq").toString()).contains("rt/groq").doesNotContain("gsk-");
    }
  }

  @Test
  void aKeyAndItsSecretTogetherAreRejected() {
    assertThatThrownBy(() -> OpenAiProvider.parseMap("{\"groq\":{\"base_url\":\"http://x\",\"api_key\":\"k\",\"api_key_secret\":\"s\"}}"))
        .hasMessageContaining("OPENAI_PROVIDERS.groq").hasMessageContaining("api_key_secret");
    assertThatThrownBy(() -> RuntimeConfig.fromEnvironment(Map.of("GEMINI_API_KEY", "k", "GEMINI_API_KEY_SECRET", "s")))
        .hasMessageContaining("GEMINI_API_KEY_SECRET");
  }

  @Test
  void withoutSecretsManagerAKeySecretIsAClearError() {
    RuntimeConfig config = RuntimeConfig.fromEnvironment(Map.of(
        "OPENAI_PROVIDERS", "{\"groq\":{\"base_url\":\"http://127.0.0.1:9/v1\",\"api_key_secret\":\"rt/groq\"}}"));
    assertThatThrownBy(() -> Models.create("groq:m", config, AnonymousCredentialsProvider::create))
        .hasMessageContaining("OPENAI_PROVIDERS.groq.api_key_secret");
  }
}
