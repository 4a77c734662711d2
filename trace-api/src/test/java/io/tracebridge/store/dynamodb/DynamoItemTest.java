package io.tracebridge.store.dynamodb;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import io.tracebridge.store.RecordFixtures;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class DynamoItemTest {
  private final String tenant = "acme";
  private final String traceId = RecordFixtures.newTraceId();

  @Test
  void fullRecordRoundTrips() {
    FunctionalRecord full = RecordFixtures.full(tenant, traceId, "s-1");

    assertThat(DynamoItem.fromItem(DynamoItem.toItem(full))).isEqualTo(full);
  }

  @Test
  void minimalRecordRoundTripsWithoutOptionalAttributes() {
    FunctionalRecord minimal = RecordFixtures.minimal(tenant, traceId, 0, BASE_TIME).build();

    Map<String, AttributeValue> item = DynamoItem.toItem(minimal);

    assertThat(item).containsOnlyKeys(
        "pk", "sk", "schemaVersion", "tenant", "traceId", "xrayTraceId", "spanId", "recordId",
        "type", "timestamp", "truncated", "dialect");
    assertThat(DynamoItem.fromItem(item)).isEqualTo(minimal);
  }

  @Test
  void keysFollowTheDocumentedLayout() {
    FunctionalRecord r = RecordFixtures.full(tenant, traceId, "s-1");

    Map<String, AttributeValue> item = DynamoItem.toItem(r);

    assertThat(item.get("pk").s()).isEqualTo("TRACE#acme#" + traceId);
    assertThat(item.get("sk").s()).isEqualTo("REC#" + r.recordId());
    assertThat(item.get("gsi1pk").s()).isEqualTo("SESSION#acme#s-1");
    assertThat(item.get("gsi1sk").s()).isEqualTo("1772360130123456789#" + r.recordId());
    assertThat(DynamoItem.tracePk(tenant, TraceIds.toXray(traceId))).isEqualTo(item.get("pk").s());
  }

  @Test
  void sessionSortKeySortsAsTimeDoes() {
    FunctionalRecord early = RecordFixtures.minimal(tenant, traceId, 0, Instant.ofEpochSecond(9, 5)).build();
    FunctionalRecord late = RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME).build();

    assertThat(DynamoItem.sessionSk(early)).hasSize(19 + 1 + early.recordId().length())
        .isLessThan(DynamoItem.sessionSk(late));
  }

  @Test
  void itemWithoutARequiredAttributeIsRejected() {
    Map<String, AttributeValue> item =
        new HashMap<>(DynamoItem.toItem(RecordFixtures.full(tenant, traceId, null)));
    item.remove("recordId");

    assertThatThrownBy(() -> DynamoItem.fromItem(item))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("recordId");
  }
}
