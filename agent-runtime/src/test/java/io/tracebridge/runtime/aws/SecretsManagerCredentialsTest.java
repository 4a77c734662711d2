package io.tracebridge.runtime.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.runtime.internal.Json;
import io.tracebridge.runtime.testing.LoopbackHttpServer;
import io.tracebridge.runtime.testing.LoopbackHttpServer.Reply;
import io.tracebridge.runtime.testing.SigV4Check;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** BEDROCK_CREDENTIALS_SECRET against a loopback server speaking the Secrets Manager JSON protocol. */
class SecretsManagerCredentialsTest {
  private static SecretsManagerClient client(LoopbackHttpServer server) {
    return SecretsManagerClient.builder()
        .region(Region.EU_WEST_1)
        .endpointOverride(URI.create(server.baseUrl()))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDBOOTSTRAP", "boot-secret")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  @Test
  void readsBedrockCredentialsFromTheSecretWithBootstrapCredentials() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer()) {
      server.reply(new Reply(200, "application/x-amz-json-1.1", """
          {"ARN":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:rt/bedrock-AbCdEf","Name":"rt/bedrock",
           "SecretString":"{\\"AWS_ACCESS_KEY_ID\\":\\"AKIDBEDROCK\\",\\"AWS_SECRET_ACCESS_KEY\\":\\"bedrock-secret\\",\\"AWS_SESSION_TOKEN\\":\\"tok\\"}",
           "VersionId":"v1"}"""));
      AwsCredentials creds;
      try (SecretsManagerClient client = client(server)) {
        creds = SecretsManagerCredentials.fetch(client, "rt/bedrock").resolveCredentials();
      }
      assertThat(creds.accessKeyId()).isEqualTo("AKIDBEDROCK");
      assertThat(creds.secretAccessKey()).isEqualTo("bedrock-secret");
      assertThat(((AwsSessionCredentials) creds).sessionToken()).isEqualTo("tok");
      LoopbackHttpServer.Recorded request = server.requests().get(0);
      assertThat(request.header("x-amz-target")).isEqualTo("secretsmanager.GetSecretValue");
      assertThat(Json.read(request.bodyText()).path("SecretId").asText()).isEqualTo("rt/bedrock");
      SigV4Check.Parsed auth = SigV4Check.parse(request.header("authorization"));
      assertThat(auth.accessKey()).isEqualTo("AKIDBOOTSTRAP");
      assertThat(auth.service()).isEqualTo("secretsmanager");
      assertThat(auth.region()).isEqualTo("eu-west-1");
    }
  }

  @Test
  void aSecretWithoutTheKeysIsAClearErrorThatShowsNoValues() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer()) {
      server.reply(new Reply(200, "application/x-amz-json-1.1",
          "{\"Name\":\"rt/bedrock\",\"SecretString\":\"{\\\"AWS_ACCESS_KEY_ID\\\":\\\"AKIDONLY\\\"}\"}"));
      try (SecretsManagerClient client = client(server)) {
        assertThatThrownBy(() -> SecretsManagerCredentials.fetch(client, "rt/bedrock"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("BEDROCK_CREDENTIALS_SECRET 'rt/bedrock'")
            .hasMessageContaining("AWS_SECRET_ACCESS_KEY")
            .hasMessageNotContaining("AKIDONLY");
      }
    }
  }

  @Test
  void anApiKeyIsThePlainSecretOrItsJsonField() throws Exception {
    try (LoopbackHttpServer server = new LoopbackHttpServer()) {
      server.reply(new Reply(200, "application/x-amz-json-1.1", "{\"Name\":\"rt/openai\",\"SecretString\":\"sk-plain\"}"));
      server.reply(new Reply(200, "application/x-amz-json-1.1",
          "{\"Name\":\"rt/openai\",\"SecretString\":\"{\\\"OPENAI_API_KEY\\\":\\\"sk-json\\\"}\"}"));
      server.reply(new Reply(200, "application/x-amz-json-1.1",
          "{\"Name\":\"rt/openai\",\"SecretString\":\"{\\\"other\\\":\\\"sk-hidden\\\"}\"}"));
      try (SecretsManagerClient client = client(server)) {
        assertThat(SecretsManagerCredentials.apiKey(client, "OPENAI_API_KEY_SECRET", "rt/openai", "OPENAI_API_KEY"))
            .isEqualTo("sk-plain");
        assertThat(SecretsManagerCredentials.apiKey(client, "OPENAI_API_KEY_SECRET", "rt/openai", "OPENAI_API_KEY"))
            .isEqualTo("sk-json");
        assertThatThrownBy(() -> SecretsManagerCredentials.apiKey(client, "OPENAI_API_KEY_SECRET", "rt/openai", "OPENAI_API_KEY"))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageStartingWith("OPENAI_API_KEY_SECRET 'rt/openai' holds no key")
            .hasMessageNotContaining("sk-hidden");
      }
      assertThat(server.requests()).hasSize(3).allSatisfy(r ->
          assertThat(r.header("x-amz-target")).isEqualTo("secretsmanager.GetSecretValue"));
    }
  }

  @Test
  void gatewayRegionComesFromTheUrlAsInTheSeed() {
    assertThat(GatewayUrls.regionFromUrl("https://gw-abc.gateway.bedrock-agentcore.us-west-2.amazonaws.com/mcp"))
        .hasValue("us-west-2");
    assertThat(GatewayUrls.region("http://127.0.0.1:9/mcp", "eu-central-1")).isEqualTo("eu-central-1");
  }
}
