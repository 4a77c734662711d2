package io.tracebridge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.cloudwatch.MotoServer;
import io.tracebridge.store.ApiKeyAuthenticator;
import io.tracebridge.store.AuthenticationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * {@code --api-keys-secret}: the keys → tenants JSON read from AWS Secrets Manager, here moto's
 * server speaking its wire protocol on loopback ({@code .ci/interop-moto.sh}).
 */
class ApiKeysSecretInteropIT {
  private static MotoServer moto;
  private static SecretsManagerClient client;

  @BeforeAll
  static void start() throws Exception {
    moto = MotoServer.start();
    client = SecretsManagerClient.builder()
        .endpointOverride(moto.endpoint())
        .region(Region.US_EAST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClientBuilder(UrlConnectionHttpClient.builder())
        .build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (moto != null) {
      moto.close();
    }
  }

  @Test
  void keysFromTheSecretMapToTheirTenants() throws Exception {
    client.createSecret(b -> b.name("tracebridge/api-keys")
        .secretString("{\"keys\":{\"k-acme\":\"acme\",\"k-globex\":\"globex\"}}"));

    ApiKeyAuthenticator keys = Tenants.fromSecret(client, "tracebridge/api-keys");

    assertThat(keys.authenticate("Bearer k-acme")).isEqualTo("acme");
    assertThat(keys.authenticate("Bearer k-globex")).isEqualTo("globex");
    assertThatThrownBy(() -> keys.authenticate("Bearer k-unknown")).isInstanceOf(AuthenticationException.class);
  }

  @Test
  void aMissingOrMalformedSecretFailsStartUpNamingItWithoutTheKeys() {
    client.createSecret(b -> b.name("tracebridge/not-json").secretString("k-secret-value"));

    assertThatThrownBy(() -> Tenants.fromSecret(client, "tracebridge/absent"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("api-keys-secret tracebridge/absent: ");
    assertThatThrownBy(() -> Tenants.fromSecret(client, "tracebridge/not-json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("api-keys-secret tracebridge/not-json: not JSON")
        .hasMessageNotContaining("k-secret-value");
  }
}
