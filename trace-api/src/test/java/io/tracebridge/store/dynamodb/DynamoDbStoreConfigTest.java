package io.tracebridge.store.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DynamoDbStoreConfigTest {

  @Test
  void defaults() {
    DynamoDbStoreConfig config = DynamoDbStoreConfig.defaults();

    assertThat(config.tableName()).isEqualTo("tracebridge-records");
    assertThat(config.createTableIfMissing()).isTrue();
    assertThat(config.writeThreads()).isEqualTo(4);
    assertThat(config.maxRetries()).isEqualTo(5);
    assertThat(config.initialBackoff()).isEqualTo(Duration.ofMillis(50));
    assertThat(config.toString())
        .contains("tableName=tracebridge-records", "writeThreads=4", "maxRetries=5");
  }

  @Test
  void toBuilderRoundTrips() {
    DynamoDbStoreConfig config =
        DynamoDbStoreConfig.builder().tableName("t_1.x").writeThreads(2).maxRetries(0)
            .initialBackoff(Duration.ofMillis(5)).createTableIfMissing(false).build();

    assertThat(config.toBuilder().build()).hasToString(config.toString());
  }

  static Stream<Arguments> invalid() {
    return Stream.of(
        invalid("table name too short", b -> b.tableName("ab"), "tableName"),
        invalid("table name with a space", b -> b.tableName("my table"), "tableName"),
        invalid("no write threads", b -> b.writeThreads(0), "writeThreads"),
        invalid("no queue", b -> b.queueCapacity(0), "queueCapacity"),
        invalid("negative retries", b -> b.maxRetries(-1), "maxRetries"),
        invalid("zero backoff", b -> b.initialBackoff(Duration.ZERO), "initialBackoff"),
        invalid("max below initial backoff",
            b -> b.initialBackoff(Duration.ofSeconds(2)).maxBackoff(Duration.ofSeconds(1)), "maxBackoff"),
        invalid("negative ready timeout",
            b -> b.tableReadyTimeout(Duration.ofSeconds(-1)), "tableReadyTimeout"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalid")
  void invalidValuesAreRejectedNamingTheOption(
      UnaryOperator<DynamoDbStoreConfig.Builder> change, String option) {
    assertThatThrownBy(() -> change.apply(DynamoDbStoreConfig.builder()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(option);
  }

  private static Arguments invalid(
      String name, UnaryOperator<DynamoDbStoreConfig.Builder> change, String option) {
    return Arguments.of(Named.of(name, change), option);
  }
}
