package io.tracebridge.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.aws.LoopbackAws.Answer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.DescribeLogGroupsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.InvalidParameterException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ServiceUnavailableException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ThrottlingException;

/** The policy's strategy in a real SDK client, against a loopback server speaking AWS JSON 1.1. */
class TransportRetryPolicyTest {
  private static final TransportRetryPolicy QUICK = new TransportRetryPolicy(4, Duration.ofMillis(1), Duration.ofMillis(2));
  private static final String GROUPS = "{\"logGroups\":[{\"logGroupName\":\"/tracebridge/agents\"}]}";

  @Test
  void throttlingIsRetriedByTheSdkUntilItSucceeds() {
    RetryCounter counter = new RetryCounter();
    try (LoopbackAws server = new LoopbackAws(n -> n <= 2 ? Answer.error(400, "ThrottlingException") : new Answer(200, GROUPS));
         CloudWatchLogsClient client = server.logsClient(QUICK, counter)) {
      DescribeLogGroupsResponse response = client.describeLogGroups();

      assertThat(response.logGroups()).extracting(g -> g.logGroupName()).containsExactly("/tracebridge/agents");
      assertThat(server.requests.get()).isEqualTo(3);
      assertThat(server.targets).containsOnly("Logs_20140328.DescribeLogGroups");
      assertThat(counter.retries()).isEqualTo(2);
    }
  }

  @Test
  void aServerErrorIsRetriedUpToMaxAttemptsThenSurfaces() {
    RetryCounter counter = new RetryCounter();
    try (LoopbackAws server = new LoopbackAws(n -> Answer.error(503, "ServiceUnavailableException"));
         CloudWatchLogsClient client = server.logsClient(QUICK, counter)) {
      assertThatThrownBy(client::describeLogGroups).isInstanceOf(ServiceUnavailableException.class);

      assertThat(server.requests.get()).isEqualTo(4);
      assertThat(counter.retries()).isEqualTo(3);
    }
  }

  @Test
  void aValidationErrorIsTriedOnce() {
    RetryCounter counter = new RetryCounter();
    try (LoopbackAws server = new LoopbackAws(n -> Answer.error(400, "InvalidParameterException"));
         CloudWatchLogsClient client = server.logsClient(QUICK, counter)) {
      assertThatThrownBy(client::describeLogGroups).isInstanceOf(InvalidParameterException.class);

      assertThat(server.requests.get()).isEqualTo(1);
      assertThat(counter.retries()).isZero();
    }
  }

  @Test
  void accessDeniedIsTriedOnce() {
    try (LoopbackAws server = new LoopbackAws(n -> Answer.error(400, "AccessDeniedException"));
         CloudWatchLogsClient client = server.logsClient(QUICK)) {
      assertThatThrownBy(client::describeLogGroups).isInstanceOf(AwsServiceException.class)
          .satisfies(e -> assertThat(((AwsServiceException) e).awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException"));

      assertThat(server.requests.get()).isEqualTo(1);
    }
  }

  @Test
  void noRetryTriesThrottlingOnce() {
    RetryCounter counter = new RetryCounter();
    try (LoopbackAws server = new LoopbackAws(n -> Answer.error(400, "ThrottlingException"));
         CloudWatchLogsClient client = server.logsClient(TransportRetryPolicy.NO_RETRY, counter)) {
      assertThatThrownBy(client::describeLogGroups).isInstanceOf(ThrottlingException.class);

      assertThat(server.requests.get()).isEqualTo(1);
      assertThat(counter.retries()).isZero();
    }
  }

  @Test
  void theCounterRunsItsCallbackOncePerRetryAcrossCalls() {
    int[] seen = {0};
    RetryCounter counter = new RetryCounter(() -> seen[0]++);
    // Odd requests are throttled, even ones succeed: each call takes two attempts.
    try (LoopbackAws server = new LoopbackAws(n -> n % 2 == 1 ? Answer.error(400, "ThrottlingException") : new Answer(200, GROUPS));
         CloudWatchLogsClient client = server.logsClient(QUICK, counter)) {
      client.describeLogGroups();
      client.describeLogGroups();
      client.describeLogGroups();

      assertThat(server.requests.get()).isEqualTo(6);
      assertThat(counter.retries()).isEqualTo(3);
      assertThat(seen[0]).isEqualTo(3);
    }
  }

  @Test
  void backoffIsExponentialWithHalfJitterAndCapped() {
    TransportRetryPolicy policy = new TransportRetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(300));
    for (int i = 0; i < 50; i++) {
      // The SDK passes the attempt about to be made: 2 for the first retry.
      assertThat(policy.backoff().computeDelay(2)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(policy.backoff().computeDelay(3)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
      assertThat(policy.backoff().computeDelay(4)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
      assertThat(policy.backoff().computeDelay(5)).isBetween(Duration.ofMillis(150), Duration.ofMillis(300));
      assertThat(policy.delayBeforeRetry(1)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(policy.delayBeforeRetry(2)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));
    }
    assertThat(TransportRetryPolicy.NO_RETRY.backoff().computeDelay(2)).isEqualTo(Duration.ZERO);
  }

  @Test
  void badFiguresAreRefusedWithTheReason() {
    assertThatThrownBy(() -> new TransportRetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .hasMessageContaining("maxAttempts must be at least 1");
    assertThatThrownBy(() -> new TransportRetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("baseDelay <= maxBackoff");
    assertThat(TransportRetryPolicy.NO_RETRY.strategy().maxAttempts()).isEqualTo(1);
    assertThat(QUICK.strategy().maxAttempts()).isEqualTo(4);
  }
}
