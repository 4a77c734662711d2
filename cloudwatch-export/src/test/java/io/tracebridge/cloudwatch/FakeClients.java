package io.tracebridge.cloudwatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogGroupRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogGroupResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogStreamRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.CreateLogStreamResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.PutTraceSegmentsRequest;
import software.amazon.awssdk.services.xray.model.PutTraceSegmentsResponse;
import software.amazon.awssdk.services.xray.model.XRayException;

/** Scriptable stand-ins for the SDK clients (they are interfaces), recording every call. */
final class FakeClients {
  private FakeClients() {}

  static XRayException xrayError(int status, String code) {
    return (XRayException) XRayException.builder()
        .statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(code).build())
        .message(code)
        .build();
  }

  /** X-Ray whose PutTraceSegments answers with {@code behaviour} (which may throw or block). */
  static final class FakeXRay implements XRayClient {
    final List<PutTraceSegmentsRequest> calls = Collections.synchronizedList(new ArrayList<>());
    volatile Function<PutTraceSegmentsRequest, PutTraceSegmentsResponse> behaviour =
        r -> PutTraceSegmentsResponse.builder().build();

    @Override
    public PutTraceSegmentsResponse putTraceSegments(PutTraceSegmentsRequest request) {
      calls.add(request);
      return behaviour.apply(request);
    }

    int documentsSent() {
      synchronized (calls) {
        return calls.stream().mapToInt(c -> c.traceSegmentDocuments().size()).sum();
      }
    }

    @Override
    public String serviceName() {
      return "xray";
    }

    @Override
    public void close() {}
  }

  /** CloudWatch Logs that records PutLogEvents and creations. */
  static final class FakeLogs implements CloudWatchLogsClient {
    final List<PutLogEventsRequest> puts = Collections.synchronizedList(new ArrayList<>());
    final List<String> created = Collections.synchronizedList(new ArrayList<>());
    volatile Function<PutLogEventsRequest, PutLogEventsResponse> behaviour = r -> PutLogEventsResponse.builder().build();

    @Override
    public CreateLogGroupResponse createLogGroup(CreateLogGroupRequest request) {
      created.add("group " + request.logGroupName());
      return CreateLogGroupResponse.builder().build();
    }

    @Override
    public CreateLogStreamResponse createLogStream(CreateLogStreamRequest request) {
      created.add("stream " + request.logStreamName());
      return CreateLogStreamResponse.builder().build();
    }

    @Override
    public PutLogEventsResponse putLogEvents(PutLogEventsRequest request) {
      puts.add(request);
      return behaviour.apply(request);
    }

    @Override
    public String serviceName() {
      return "logs";
    }

    @Override
    public void close() {}
  }

  /** Records the waits between retries instead of sleeping. */
  static final class RecordingSleeper implements io.tracebridge.aws.Sleeper {
    final List<Duration> waits = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void sleep(Duration duration) {
      waits.add(duration);
    }
  }
}
