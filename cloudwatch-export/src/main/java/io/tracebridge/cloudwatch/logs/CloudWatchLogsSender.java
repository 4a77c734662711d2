package io.tracebridge.cloudwatch.logs;

import io.tracebridge.cloudwatch.internal.ExportException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.PutLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.RejectedLogEventsInfo;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * Sends log events to one log group and stream with PutLogEvents, in batches from {@link
 * LogEventBatcher}. Creates the group and the stream when missing: once before the first send, and
 * again when PutLogEvents answers ResourceNotFound (someone deleted them). Sequence tokens are not
 * used (the API ignores them). Events the service rejects as too old, too new or expired ({@code
 * rejectedLogEventsInfo}) are counted as rejected.
 *
 * <p>Blocking: call on the export's worker threads only. Thread-safe.
 */
public final class CloudWatchLogsSender {
  private final CloudWatchLogsClient client;
  private final String logGroup;
  private final String logStream;
  private final LogEventBatcher batcher;
  private final AtomicBoolean ensured = new AtomicBoolean();

  public CloudWatchLogsSender(CloudWatchLogsClient client, String logGroup, String logStream, LogEventBatcher batcher) {
    this.client = client;
    this.logGroup = logGroup;
    this.logStream = logStream;
    this.batcher = batcher;
  }

  /**
   * How a send went, in events.
   *
   * @param truncated events whose content or message was cut to fit (by the mapper or the batcher)
   * @param batches PutLogEvents calls that succeeded
   * @param bytes bytes of those calls, as the API counts them (UTF-8 messages + 26 per event)
   */
  public record Result(int sent, int rejected, int truncated, List<String> failures, int batches, long bytes) {
    public Result(int sent, int rejected, int truncated, List<String> failures) {
      this(sent, rejected, truncated, failures, 0, 0);
    }
  }

  /** Sends the events; never throws for a failed call, which is reported in the result. */
  public Result send(List<LogEvent> events) {
    int sent = 0;
    int rejected = 0;
    int truncated = 0;
    int batches = 0;
    long bytes = 0;
    List<String> failures = new ArrayList<>();
    for (List<LogEvent> batch : batcher.batches(events)) {
      truncated += (int) batch.stream().filter(LogEvent::truncated).count();
      try {
        int refused = put(batch);
        sent += batch.size() - refused;
        rejected += refused;
        batches++;
        for (LogEvent event : batch) {
          bytes += event.messageBytes() + LogEventBatcher.EVENT_OVERHEAD_BYTES;
        }
        if (refused > 0) {
          failures.add(refused + " log events rejected (too old, too new or expired)");
        }
      } catch (RuntimeException e) {
        rejected += batch.size();
        failures.add(batch.size() + " log events: " + ExportException.classify(e).getMessage());
      }
    }
    return new Result(sent, rejected, truncated, failures, batches, bytes);
  }

  private int put(List<LogEvent> batch) {
    List<InputLogEvent> input = batch.stream()
        .map(e -> InputLogEvent.builder().timestamp(e.timestampMillis()).message(e.message()).build())
        .toList();
    if (ensured.compareAndSet(false, true)) {
      ensureDestination();
    }
    PutLogEventsResponse response;
    try {
      response = client.putLogEvents(r -> r.logGroupName(logGroup).logStreamName(logStream).logEvents(input));
    } catch (ResourceNotFoundException e) {
      ensureDestination();
      response = client.putLogEvents(r -> r.logGroupName(logGroup).logStreamName(logStream).logEvents(input));
    }
    return rejectedCount(response.rejectedLogEventsInfo(), input.size());
  }

  /** Creates the log group and stream, ignoring "already exists". */
  public void ensureDestination() {
    try {
      client.createLogGroup(r -> r.logGroupName(logGroup));
    } catch (ResourceAlreadyExistsException ignored) {
      // fine
    }
    try {
      client.createLogStream(r -> r.logGroupName(logGroup).logStreamName(logStream));
    } catch (ResourceAlreadyExistsException ignored) {
      // fine
    }
  }

  static int rejectedCount(RejectedLogEventsInfo info, int size) {
    if (info == null) {
      return 0;
    }
    boolean[] rejected = new boolean[size];
    if (info.tooNewLogEventStartIndex() != null) {
      for (int i = Math.max(0, info.tooNewLogEventStartIndex()); i < size; i++) {
        rejected[i] = true;
      }
    }
    for (Integer end : new Integer[] {info.tooOldLogEventEndIndex(), info.expiredLogEventEndIndex()}) {
      if (end != null) {
        for (int i = 0; i <= Math.min(end, size - 1); i++) {
          rejected[i] = true;
        }
      }
    }
    int count = 0;
    for (boolean r : rejected) {
      count += r ? 1 : 0;
    }
    return count;
  }
}
