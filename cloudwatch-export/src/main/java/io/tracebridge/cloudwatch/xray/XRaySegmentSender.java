package io.tracebridge.cloudwatch.xray;

import io.tracebridge.aws.ApplicationRetries;
import io.tracebridge.cloudwatch.internal.ExportException;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator.SegmentDocument;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.xray.XRayClient;
import software.amazon.awssdk.services.xray.model.PutTraceSegmentsResponse;
import software.amazon.awssdk.services.xray.model.UnprocessedTraceSegment;

/**
 * Sends segment documents with {@code PutTraceSegments}: at most {@value #MAX_SEGMENTS_PER_PUT}
 * per call (X-Ray's limit; collector {@code maxSegmentsPerPut}). A call that fails on the way
 * (throttling, 5xx, I/O) is retried inside the client by the SDK's standard strategy (aws-support's
 * {@code TransportRetryPolicy}). Unlike the collector, the response's {@code
 * UnprocessedTraceSegments} are read: those whose error code can heal (anything but {@link
 * #PERMANENT_ERROR_CODES}) are sent again, an application decision, in {@link ApplicationRetries}
 * rounds with the same backoff, until the attempts run out.
 *
 * <p>Blocking: call on the export's worker threads only. Thread-safe if the client is.
 */
public final class XRaySegmentSender {
  public static final int MAX_SEGMENTS_PER_PUT = 50;
  /** Unprocessed-segment error codes a retry cannot cure (bad documents). */
  public static final Set<String> PERMANENT_ERROR_CODES =
      Set.of("JSONFormatError", "MissingParam", "InvalidSegment", "InvalidTraceId", "InvalidParameterValue");

  private final XRayClient client;
  private final ApplicationRetries rounds;

  public XRaySegmentSender(XRayClient client, ApplicationRetries rounds) {
    this.client = client;
    this.rounds = rounds;
  }

  /**
   * How a send went, in documents.
   *
   * @param failures one line per rejected document or failed call (ids and error codes only)
   */
  public record Result(int sent, int rejected, List<String> failures) {}

  /** Splits {@code documents} into PutTraceSegments batches of at most 50. */
  public static List<List<SegmentDocument>> batches(List<SegmentDocument> documents) {
    List<List<SegmentDocument>> batches = new ArrayList<>();
    for (int from = 0; from < documents.size(); from += MAX_SEGMENTS_PER_PUT) {
      batches.add(List.copyOf(documents.subList(from, Math.min(documents.size(), from + MAX_SEGMENTS_PER_PUT))));
    }
    return batches;
  }

  /** Sends every document; never throws for a failed call, which is reported in the result. */
  public Result send(List<SegmentDocument> documents) {
    int sent = 0;
    int rejected = 0;
    List<String> failures = new ArrayList<>();
    for (List<SegmentDocument> batch : batches(documents)) {
      Result result = sendBatch(batch);
      sent += result.sent();
      rejected += result.rejected();
      failures.addAll(result.failures());
    }
    return new Result(sent, rejected, failures);
  }

  private Result sendBatch(List<SegmentDocument> batch) {
    Map<String, SegmentDocument> pending = new LinkedHashMap<>();
    batch.forEach(d -> pending.put(d.id(), d));
    List<String> failures = new ArrayList<>();
    int rejected = 0;
    for (int attempt = 1; ; attempt++) {
      List<String> bodies = pending.values().stream().map(SegmentDocument::json).toList();
      PutTraceSegmentsResponse response;
      try {
        response = client.putTraceSegments(r -> r.traceSegmentDocuments(bodies));
      } catch (RuntimeException e) {
        failures.add(pending.size() + " segments: " + ExportException.classify(e).getMessage());
        return new Result(batch.size() - pending.size() - rejected, rejected + pending.size(), failures);
      }
      Map<String, SegmentDocument> retry = new LinkedHashMap<>();
      for (UnprocessedTraceSegment unprocessed : response.unprocessedTraceSegments()) {
        SegmentDocument document = unprocessed.id() == null ? null : pending.get(unprocessed.id());
        if (document == null) {
          continue;
        }
        if (PERMANENT_ERROR_CODES.contains(unprocessed.errorCode()) || rounds.exhausted(attempt)) {
          rejected++;
          failures.add("segment " + unprocessed.id() + ": " + unprocessed.errorCode());
        } else {
          retry.put(document.id(), document);
        }
      }
      // Unprocessed entries without a known id cannot be matched: count them as rejected.
      long unmatched = response.unprocessedTraceSegments().stream()
          .filter(u -> u.id() == null || !pending.containsKey(u.id()))
          .count();
      if (unmatched > 0) {
        rejected += (int) unmatched;
        failures.add(unmatched + " unprocessed segments without a known id");
      }
      if (retry.isEmpty()) {
        return new Result(batch.size() - rejected, rejected, failures);
      }
      pending.clear();
      pending.putAll(retry);
      try {
        rounds.backoff(attempt);
      } catch (InterruptedException e) {
        failures.add(pending.size() + " segments: interrupted while waiting to retry");
        return new Result(batch.size() - rejected - pending.size(), rejected + pending.size(), failures);
      }
    }
  }
}
