package io.tracebridge.web;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.StoredRecord;
import java.time.Instant;
import java.util.Objects;
import javax.annotation.Nullable;

/**
 * One stored record version as the websocket sends it: its JSON ({@link #json()}, the {@code
 * record} field of a {@code record} frame), encoded once, and the few fields subscriptions are
 * matched on and {@code run} frames are made of. One instance is shared by every subscription on
 * every connection of the node: a frame copies {@code json} as it is, nothing is decoded or
 * encoded again per subscriber. Immutable.
 *
 * @param seq the ingest sequence of this version
 * @param traceId the trace id in W3C form
 * @param recordType the record type's wire name
 * @param json the record's JSON object
 */
record EncodedRecord(
    String seq,
    String tenant,
    String traceId,
    @Nullable String sessionId,
    @Nullable String agentId,
    @Nullable String agentName,
    String recordType,
    Instant timestamp,
    String json) {

  EncodedRecord {
    Objects.requireNonNull(seq, "seq");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(traceId, "traceId");
    Objects.requireNonNull(recordType, "recordType");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(json, "json");
  }

  /** Encodes {@code stored}'s record (the same JSON the frames always carried). */
  static EncodedRecord of(StoredRecord stored) {
    return of(stored.seq(), stored.record(), RecordJson.mapper().valueToTree(stored.record()).toString());
  }

  /** {@code record}'s fields with {@code json}, its JSON already encoded. */
  static EncodedRecord of(String seq, FunctionalRecord record, String json) {
    return new EncodedRecord(seq, record.tenant(), w3c(record.traceId()), record.sessionId(),
        record.agentId(), record.agentName(), record.type().wireName(), record.timestamp(), json);
  }

  /** The W3C form of {@code traceId}, or {@code traceId} itself if it has none (matches nothing). */
  static String w3c(String traceId) {
    try {
      return TraceIds.toW3c(traceId);
    } catch (IllegalArgumentException e) {
      return traceId;
    }
  }
}
