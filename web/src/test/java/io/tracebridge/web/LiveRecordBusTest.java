package io.tracebridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.RecordJson;
import io.tracebridge.store.IngestSeq;
import io.tracebridge.store.RecordFixtures;
import io.tracebridge.store.StoredRecord;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The live publisher: the store's thread only hands batches over, one publisher thread keeps
 * their order, each record's JSON is encoded once and record frames copy it unchanged, in the
 * frame shape the websocket always had.
 */
class LiveRecordBusTest {
  private static final String TENANT = WebConfig.DEFAULT_TENANT;

  private static long stamp = 1_772_000_000_000_000_000L;

  private static String seq(FunctionalRecord r) {
    return IngestSeq.format(++stamp, r.recordId());
  }

  private static List<StoredRecord> stored(List<FunctionalRecord> records) {
    List<StoredRecord> out = new ArrayList<>();
    for (FunctionalRecord r : records) {
      out.add(new StoredRecord(r, seq(r)));
    }
    return out;
  }

  @Test
  void batchesArePublishedOffTheCallersThreadInTheOrderTheyWereTold() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (LiveRecordBus bus = new LiveRecordBus(vertx.eventBus())) {
      List<String> senders = new CopyOnWriteArrayList<>();
      vertx.eventBus().addOutboundInterceptor(ctx -> {
        senders.add(Thread.currentThread().getName());
        ctx.next();
      });
      int batches = 200;
      List<String> heard = new CopyOnWriteArrayList<>();
      CountDownLatch all = new CountDownLatch(batches);
      vertx.eventBus().<String>consumer(LiveRecordBus.ADDRESS, m -> {
        try {
          LiveRecordBus.decode(m.body()).forEach(r -> heard.add(r.seq()));
        } catch (Exception e) {
          throw new AssertionError(e);
        }
        all.countDown();
      }).completion().await(10, TimeUnit.SECONDS);

      String session = RecordFixtures.newSessionId();
      List<String> told = new ArrayList<>();
      for (int i = 0; i < batches; i++) {
        List<StoredRecord> batch = stored(RecordFixtures.trace(TENANT, RecordFixtures.newTraceId(), session, 3,
            RecordFixtures.BASE_TIME.plusSeconds(i)));
        batch.forEach(r -> told.add(r.seq()));
        bus.stored(batch); // as the store's worker thread calls it
      }

      assertThat(all.await(20, TimeUnit.SECONDS)).isTrue();
      assertThat(heard).containsExactlyElementsOf(told);
      assertThat(senders).hasSize(batches).containsOnly("tracebridge-live-publisher");
      assertThat(bus.dropped()).isZero();
    } finally {
      vertx.close().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void eachRecordIsEncodedOnceAsTheFramesAlwaysCarriedIt() throws Exception {
    // Text that JSON must escape: quotes, a backslash, control characters, non-ASCII, a surrogate pair.
    FunctionalRecord full = RecordFixtures.full(TENANT, RecordFixtures.newTraceId(), "s\"1")
        .toBuilder().text("line \"one\"\\\n\ttwo \u0001 \u00e9\u4e2d \ud83d\ude00").build();
    List<StoredRecord> batch = stored(List.of(full,
        RecordFixtures.minimal(TENANT, RecordFixtures.newTraceId(), 1, RecordFixtures.BASE_TIME).build()));

    List<EncodedRecord> decoded = LiveRecordBus.decode(LiveRecordBus.encode(batch));

    assertThat(decoded).hasSize(2);
    for (int i = 0; i < batch.size(); i++) {
      StoredRecord s = batch.get(i);
      EncodedRecord e = decoded.get(i);
      assertThat(e).isEqualTo(EncodedRecord.of(s));
      assertThat(e.json()).isEqualTo(RecordJson.mapper().valueToTree(s.record()).toString());
      assertThat(RecordJson.mapper().readValue(e.json(), FunctionalRecord.class)).isEqualTo(s.record());

      // The record frame, byte for byte what the ObjectNode-built frame was.
      String id = "sub \"x\" \u00e9";
      String cursor = "v1.abc-_";
      ObjectNode old = RecordJson.mapper().createObjectNode();
      old.put("type", "record");
      old.put("subscription", id);
      old.put("seq", s.seq());
      old.put("cursor", cursor);
      old.set("record", RecordJson.mapper().valueToTree(s.record()));
      assertThat(LiveSockets.recordFrame(id, s.seq(), cursor, e.json())).isEqualTo(old.toString());
    }
  }

  @Test
  void aBatchOfANodeThatSentSeqAndRecordAloneIsRead() throws Exception {
    FunctionalRecord r = RecordFixtures.full(TENANT, RecordFixtures.newTraceId(), "s-1");
    String seq = seq(r);
    // The message an earlier node published: [{"seq": ..., "record": {...}}].
    var batch = RecordJson.mapper().createArrayNode();
    batch.addObject().put("seq", seq).set("record", RecordJson.mapper().valueToTree(r));

    List<EncodedRecord> decoded = LiveRecordBus.decode(batch.toString());

    assertThat(decoded).containsExactly(EncodedRecord.of(new StoredRecord(r, seq)));
    assertThat(decoded.get(0).json()).isEqualTo(RecordJson.mapper().valueToTree(r).toString());
  }
}
