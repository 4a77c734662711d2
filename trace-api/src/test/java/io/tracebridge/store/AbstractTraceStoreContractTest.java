package io.tracebridge.store;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.TraceIds;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link TraceStore} shares (exported in the test-jar). Subclasses return a
 * store from {@link #newStore()}; each test uses its own tenant and ids, so a subclass may hand out
 * stores over one shared backend.
 */
public abstract class AbstractTraceStoreContractTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  protected TraceStore store;
  protected String tenant;

  /** A store ready for use; it is shut down after each test. */
  protected abstract TraceStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
    tenant = RecordFixtures.newTenant();
  }

  @AfterEach
  void closeStore() {
    await(store.shutdown());
  }

  @Test
  void writtenRecordsAreReadByTraceInEitherIdForm() {
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> records = RecordFixtures.trace(tenant, traceId, null, 3, BASE_TIME);

    await(store.accept(records));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactlyElementsOf(records);
    assertThat(await(store.findByTrace(tenant, TraceIds.toXray(traceId))))
        .containsExactlyElementsOf(records);
    assertThat(await(store.findByTrace(tenant, traceId.toUpperCase(Locale.ROOT))))
        .containsExactlyElementsOf(records);
  }

  @Test
  void sessionReadGathersEveryTraceOfTheSessionInTimeOrder() {
    String session = RecordFixtures.newSessionId();
    String traceA = RecordFixtures.newTraceId();
    String traceB = RecordFixtures.newTraceId();
    List<FunctionalRecord> first = RecordFixtures.trace(tenant, traceA, session, 3, BASE_TIME);
    List<FunctionalRecord> second =
        RecordFixtures.trace(tenant, traceB, session, 3, BASE_TIME.plusNanos(500_000));
    FunctionalRecord otherSession =
        RecordFixtures.trace(tenant, traceA, RecordFixtures.newSessionId(), 1, BASE_TIME).get(0);
    FunctionalRecord noSession =
        RecordFixtures.minimal(tenant, traceA, 99, BASE_TIME.plusSeconds(1)).build();

    await(store.accept(concat(List.of(first, second, List.of(otherSession, noSession)))));

    List<FunctionalRecord> expected = new ArrayList<>(concat(List.of(first, second)));
    expected.sort(FunctionalRecord.TIMELINE);
    assertThat(await(store.findBySession(tenant, session))).containsExactlyElementsOf(expected);
    assertThat(await(store.findBySession(tenant, RecordFixtures.newSessionId()))).isEmpty();
  }

  @Test
  void theSameRecordWrittenTwiceIsOneRecord() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord record = RecordFixtures.full(tenant, traceId, RecordFixtures.newSessionId());

    await(store.accept(List.of(record)));
    await(store.accept(List.of(record)));
    await(store.accept(List.of(record, record)));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(record);
    assertThat(await(store.findBySession(tenant, record.sessionId()))).containsExactly(record);
  }

  @Test
  void rewritingARecordWithChangedTextOverwritesIt() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord original = RecordFixtures.full(tenant, traceId, null);
    FunctionalRecord changed = original.toBuilder().text("changed").build();
    FunctionalRecord changedAgain = original.toBuilder().text("changed again").build();

    await(store.accept(List.of(original)));
    await(store.accept(List.of(changed)));
    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(changed);

    await(store.accept(List.of(original, changedAgain))); // in one batch the last one wins
    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(changedAgain);
  }

  @Test
  void tenantsAreIsolated() {
    String otherTenant = RecordFixtures.newTenant();
    String traceId = RecordFixtures.newTraceId();
    String session = RecordFixtures.newSessionId();
    List<FunctionalRecord> mine = RecordFixtures.trace(tenant, traceId, session, 2, BASE_TIME);

    await(store.accept(mine));

    assertThat(await(store.findByTrace(otherTenant, traceId))).isEmpty();
    assertThat(await(store.findBySession(otherTenant, session))).isEmpty();

    FunctionalRecord theirs = mine.get(0).toBuilder().tenant(otherTenant).text("theirs").build();
    await(store.accept(List.of(theirs)));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactlyElementsOf(mine);
    assertThat(await(store.findBySession(tenant, session))).containsExactlyElementsOf(mine);
    assertThat(await(store.findByTrace(otherTenant, traceId))).containsExactly(theirs);
    assertThat(await(store.findBySession(otherTenant, session))).containsExactly(theirs);
  }

  @Test
  void recordsComeBackInTimelineOrder() {
    String traceId = RecordFixtures.newTraceId();
    String session = RecordFixtures.newSessionId();
    List<FunctionalRecord> records = new ArrayList<>();
    // Nanosecond steps, a second boundary, equal timestamps (tie broken by record id).
    Instant[] times = {
      BASE_TIME, BASE_TIME.plusNanos(1), BASE_TIME.plusNanos(2),
      Instant.parse("2026-03-01T10:15:30.999999999Z"), Instant.parse("2026-03-01T10:15:31Z"),
      BASE_TIME.plusSeconds(3600), BASE_TIME.plusSeconds(3600), BASE_TIME.minusSeconds(86_400 * 400L)
    };
    for (int i = 0; i < times.length; i++) {
      records.add(RecordFixtures.minimal(tenant, traceId, i, times[i]).sessionId(session).build());
    }
    List<FunctionalRecord> shuffled = new ArrayList<>(records);
    Collections.shuffle(shuffled, new Random(7));

    await(store.accept(shuffled));

    List<FunctionalRecord> expected = new ArrayList<>(records);
    expected.sort(FunctionalRecord.TIMELINE);
    assertThat(await(store.findByTrace(tenant, traceId))).containsExactlyElementsOf(expected);
    assertThat(await(store.findBySession(tenant, session))).containsExactlyElementsOf(expected);
  }

  @Test
  void manyRecordsInOneAcceptAreAllReadable() {
    String traceId = RecordFixtures.newTraceId();
    String session = RecordFixtures.newSessionId();
    List<FunctionalRecord> records = RecordFixtures.trace(tenant, traceId, session, 73, BASE_TIME);

    await(store.accept(records));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactlyElementsOf(records);
    assertThat(await(store.findBySession(tenant, session))).containsExactlyElementsOf(records);
  }

  @Test
  void emptyAcceptCompletes() {
    assertThat(await(store.accept(List.of()))).isNull();
  }

  @Test
  void everyFieldSurvivesTheRoundTrip() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord full = RecordFixtures.full(tenant, traceId, RecordFixtures.newSessionId());
    for (RecordComponent c : FunctionalRecord.class.getRecordComponents()) {
      assertThat(componentValue(c, full)).as("fixture sets %s", c.getName()).isNotNull();
    }
    assertThat(full.truncated()).isTrue();
    assertThat(full.timestamp().getNano() % 1_000_000).isNotZero();

    await(store.accept(List.of(full)));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(full);
    assertThat(await(store.findBySession(tenant, full.sessionId()))).containsExactly(full);
  }

  @Test
  void absentFieldsStayAbsent() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord minimal = RecordFixtures.minimal(tenant, traceId, 0, BASE_TIME).build();

    await(store.accept(List.of(minimal)));

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(minimal);
  }

  @Test
  void unknownTraceOrSessionReadsEmpty() {
    assertThat(await(store.findByTrace(tenant, RecordFixtures.newTraceId()))).isEmpty();
    assertThat(await(store.findBySession(tenant, RecordFixtures.newSessionId()))).isEmpty();
  }

  @Test
  void malformedTraceIdIsRejected() {
    assertThatThrownBy(() -> store.findByTrace(tenant, "not-a-trace-id"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void acceptAfterShutdownFailsPermanently() {
    await(store.shutdown());
    List<FunctionalRecord> records =
        RecordFixtures.trace(tenant, RecordFixtures.newTraceId(), null, 1, BASE_TIME);

    assertThatThrownBy(() -> await(store.accept(records)))
        .isInstanceOfSatisfying(StoreException.class, e -> assertThat(e.retryable()).isFalse());
  }

  /** The stage's value; its failure rethrown as it is (unwrapped from ExecutionException). */
  protected static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AssertionError("stage failed", e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("stage did not complete in " + TIMEOUT, e);
    }
  }

  private static List<FunctionalRecord> concat(List<List<FunctionalRecord>> lists) {
    return lists.stream().flatMap(List::stream).toList();
  }

  private static Object componentValue(RecordComponent c, FunctionalRecord r) {
    try {
      return c.getAccessor().invoke(r);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
