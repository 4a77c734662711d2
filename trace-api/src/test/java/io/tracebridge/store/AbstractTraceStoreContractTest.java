package io.tracebridge.store;

import static io.tracebridge.store.RecordFixtures.BASE_TIME;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.mapper.ToolCall;
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
  void aPartialVersionArrivingAfterAFullOneKeepsTheFieldsItLacks() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord full = RecordFixtures.full(tenant, traceId, "s-merge");
    // What a live hook-event log record knows of the same step: no parent, duration or tool status.
    FunctionalRecord partial = full.toBuilder()
        .parentSpanId(null)
        .durationMs(null)
        .tool(ToolCall.named(full.tool().name(), full.tool().callId(), null, full.tool().output(), null))
        .text("text the later version sets")
        .build();

    await(store.accept(List.of(full)));
    await(store.accept(List.of(partial)));

    FunctionalRecord stored = await(store.findByTrace(tenant, traceId)).get(0);
    assertThat(stored.parentSpanId()).isEqualTo(full.parentSpanId());
    assertThat(stored.durationMs()).isEqualTo(full.durationMs());
    assertThat(stored.tool().status()).isEqualTo(full.tool().status());
    assertThat(stored.tool().input()).isEqualTo(full.tool().input());
    assertThat(stored.text()).isEqualTo("text the later version sets");
    assertThat(await(store.findByTrace(tenant, traceId))).hasSize(1);
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

  @Test
  void anIdenticalReExportKeepsItsSequenceAndAChangeMovesItToTheEnd() {
    List<StoredRecord> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.addListener(reported::addAll);
    String traceId = RecordFixtures.newTraceId();
    List<FunctionalRecord> records = RecordFixtures.trace(tenant, traceId, null, 3, BASE_TIME);

    await(store.accept(records));
    List<StoredRecord> first = await(store.feed(tenant, FeedScope.TRACE, traceId, null, 100));
    await(store.accept(records)); // a re-export: nothing changes, nothing is reported
    assertThat(await(store.feed(tenant, FeedScope.TRACE, traceId, null, 100))).isEqualTo(first);
    assertThat(reported).extracting(StoredRecord::seq)
        .containsExactlyInAnyOrderElementsOf(first.stream().map(StoredRecord::seq).toList());

    FunctionalRecord changed = records.get(0).toBuilder().text("changed").build();
    await(store.accept(List.of(changed)));
    List<StoredRecord> after =
        await(store.feed(tenant, FeedScope.TRACE, traceId, first.get(2).seq(), 100));
    assertThat(after).extracting(StoredRecord::record).containsExactly(changed);
    assertThat(reported).hasSize(4);
  }

  @Test
  void feedsFollowATraceASessionAndAnAgentInSequenceOrderFromACursor() {
    String session = RecordFixtures.newSessionId();
    String agent = "agent-" + java.util.UUID.randomUUID();
    String traceA = RecordFixtures.newTraceId();
    String traceB = RecordFixtures.newTraceId();
    List<FunctionalRecord> a = RecordFixtures.trace(tenant, traceA, session, 3, BASE_TIME).stream()
        .map(r -> r.toBuilder().agentId(agent).build()).toList();
    List<FunctionalRecord> b = RecordFixtures.trace(tenant, traceB, session, 2, BASE_TIME.minusSeconds(60));
    await(store.accept(List.of(a.get(2))));
    await(store.accept(b));
    await(store.accept(a.subList(0, 2)));

    List<StoredRecord> bySession = await(store.feed(tenant, FeedScope.SESSION, session, null, 100));
    assertThat(bySession).extracting(sr -> sr.record().recordId()).containsExactly(
        a.get(2).recordId(), b.get(0).recordId(), b.get(1).recordId(), a.get(0).recordId(),
        a.get(1).recordId());
    assertThat(bySession).extracting(StoredRecord::seq).isSorted();
    assertThat(await(store.feed(tenant, FeedScope.SESSION, session, bySession.get(2).seq(), 100)))
        .isEqualTo(bySession.subList(3, 5));
    assertThat(await(store.feed(tenant, FeedScope.SESSION, session, null, 2)))
        .isEqualTo(bySession.subList(0, 2));
    assertThat(await(store.feed(tenant, FeedScope.AGENT, agent, null, 100)))
        .extracting(sr -> sr.record().recordId())
        .containsExactly(a.get(2).recordId(), a.get(0).recordId(), a.get(1).recordId());
    assertThat(await(store.feed(tenant, FeedScope.TRACE, TraceIds.toXray(traceB), null, 100)))
        .extracting(StoredRecord::record).containsExactlyElementsOf(b);
    assertThat(await(store.feed(RecordFixtures.newTenant(), FeedScope.SESSION, session, null, 100)))
        .isEmpty();
  }

  @Test
  void tracesAreListedNewestFirstBySessionAgentAndTimeWithPaging() {
    String session = RecordFixtures.newSessionId();
    List<String> traceIds = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      String traceId = RecordFixtures.newTraceId();
      traceIds.add(traceId);
      Instant start = BASE_TIME.plusSeconds(i * 60L);
      FunctionalRecord prompt = RecordFixtures.minimal(tenant, traceId, 100, start)
          .type(io.tracebridge.mapper.RecordType.PROMPT).sessionId(i < 3 ? session : null)
          .agentId("agent-" + (i % 2)).text("question " + i).build();
      FunctionalRecord tool = RecordFixtures.minimal(tenant, traceId, 101, start.plusSeconds(1))
          .type(io.tracebridge.mapper.RecordType.TOOL_RESPONSE)
          .tool(new io.tracebridge.mapper.ToolCall("calculate", "c1", null, null, "{}", "42", "success"))
          .build();
      FunctionalRecord call = RecordFixtures.minimal(tenant, traceId, 102, start.plusSeconds(2))
          .usage(io.tracebridge.mapper.Usage.of(100, 10)).model("gpt-4o").durationMs(500L).build();
      FunctionalRecord answer = RecordFixtures.minimal(tenant, traceId, 103, start.plusSeconds(3))
          .type(io.tracebridge.mapper.RecordType.RESPONSE).text("42").build();
      // out of order: the answer first, the prompt last
      await(store.accept(List.of(answer, call)));
      await(store.accept(i == 4 ? List.of(tool) : List.of(tool, prompt)));
    }

    TracePage all = await(store.listTraces(tenant, TraceQuery.recent(10)));
    assertThat(all.traces()).extracting(TraceSummary::traceId)
        .containsExactly(traceIds.get(4), traceIds.get(3), traceIds.get(2), traceIds.get(1), traceIds.get(0));
    TraceSummary s3 = all.traces().get(1);
    assertThat(s3.start()).isEqualTo(BASE_TIME.plusSeconds(180));
    assertThat(s3.durationMs()).isEqualTo(3000);
    assertThat(s3.status()).isEqualTo("finished");
    assertThat(s3.tools()).containsExactly("calculate");
    assertThat(s3.prompt()).isEqualTo("question 3");
    assertThat(s3.usage()).isEqualTo(io.tracebridge.mapper.Usage.of(100, 10));
    assertThat(s3.agentId()).isEqualTo("agent-1");
    // trace 4 never got its prompt: it starts at its earliest record, the tool's
    assertThat(all.traces().get(0).start()).isEqualTo(BASE_TIME.plusSeconds(241));

    TracePage first = await(store.listTraces(tenant, new TraceQuery(session, null, null, null, 2, null)));
    assertThat(first.traces()).extracting(TraceSummary::traceId).containsExactly(traceIds.get(2), traceIds.get(1));
    assertThat(first.nextCursor()).isNotNull();
    TracePage second = await(store.listTraces(
        tenant, new TraceQuery(session, null, null, null, 2, first.nextCursor())));
    assertThat(second.traces()).extracting(TraceSummary::traceId).containsExactly(traceIds.get(0));
    assertThat(second.nextCursor()).isNull();

    assertThat(await(store.listTraces(tenant, new TraceQuery(null, "agent-0", null, null, 10, null))).traces())
        .extracting(TraceSummary::traceId).containsExactly(traceIds.get(2), traceIds.get(0));
    assertThat(await(store.listTraces(tenant, new TraceQuery(null, null,
            BASE_TIME.plusSeconds(60), BASE_TIME.plusSeconds(180), 10, null))).traces())
        .extracting(TraceSummary::traceId).containsExactly(traceIds.get(2), traceIds.get(1));
    assertThat(await(store.listTraces(RecordFixtures.newTenant(), TraceQuery.recent(10))).traces()).isEmpty();
  }

  @Test
  void usageCountsEveryModelCallOnceAfterADuplicatedShuffledConcurrentRetriedExport() throws Exception {
    String session = RecordFixtures.newSessionId();
    List<FunctionalRecord> all = new ArrayList<>();
    io.tracebridge.mapper.Usage expected = io.tracebridge.mapper.Usage.ZERO;
    Random random = new Random(42);
    List<String> traces = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      String traceId = RecordFixtures.newTraceId();
      traces.add(traceId);
      for (int call = 0; call < 6; call++) {
        io.tracebridge.mapper.Usage u = new io.tracebridge.mapper.Usage(
            100 + random.nextInt(900), 10 + random.nextInt(90), random.nextInt(50), random.nextInt(20),
            random.nextInt(30));
        expected = expected.plus(u);
        FunctionalRecord withoutUsage = RecordFixtures.minimal(tenant, traceId, call, BASE_TIME.plusSeconds(call))
            .sessionId(session).agentId("billing-agent").model(call % 2 == 0 ? "gpt-4o" : "anthropic.claude-3-5-sonnet")
            .build();
        all.add(withoutUsage); // first seen without usage (the span before its usage event)
        all.add(withoutUsage.toBuilder().usage(u).build());
      }
      // the agent-level total: never added to per-call usage
      all.add(RecordFixtures.minimal(tenant, traceId, 99, BASE_TIME.plusSeconds(10))
          .type(io.tracebridge.mapper.RecordType.RESPONSE).sessionId(session).agentId("billing-agent")
          .totalUsage(io.tracebridge.mapper.Usage.of(1_000_000, 1_000_000)).build());
    }
    // A trace with agent-level usage only counts it.
    String agentOnly = RecordFixtures.newTraceId();
    io.tracebridge.mapper.Usage agentLevel = io.tracebridge.mapper.Usage.of(500, 50);
    all.add(RecordFixtures.minimal(tenant, agentOnly, 0, BASE_TIME)
        .type(io.tracebridge.mapper.RecordType.RESPONSE).sessionId(session).agentId("billing-agent")
        .totalUsage(agentLevel).build());

    List<List<FunctionalRecord>> exports = new ArrayList<>();
    for (int copy = 0; copy < 3; copy++) {
      List<FunctionalRecord> shuffled = new ArrayList<>(all);
      Collections.shuffle(shuffled, random);
      for (int from = 0; from < shuffled.size(); from += 7) {
        exports.add(shuffled.subList(from, Math.min(from + 7, shuffled.size())));
      }
    }
    Collections.shuffle(exports, random);
    java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
      for (List<FunctionalRecord> export : exports) {
        sent.add(senders.submit(() -> await(store.accept(export))));
      }
      for (java.util.concurrent.Future<?> f : sent) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      senders.shutdownNow();
    }
    // Records later seen without usage again (an export retried from an older state) change nothing.
    await(store.accept(all.stream().filter(r -> r.usage() == null).toList()));

    io.tracebridge.mapper.Usage total = expected.plus(agentLevel);
    java.time.LocalDate day = java.time.LocalDate.of(2026, 3, 1);
    assertThat(sum(await(store.usage(tenant, UsageKind.TENANT, day, day)))).isEqualTo(total);
    assertThat(sum(await(store.usage(tenant, UsageKind.AGENT, day, day)))).isEqualTo(total);
    assertThat(sum(await(store.usage(tenant, UsageKind.SESSION, day, day)))).isEqualTo(total);
    assertThat(sum(await(store.usage(tenant, UsageKind.TRACE, day, day)))).isEqualTo(total);
    assertThat(await(store.usage(tenant, UsageKind.TRACE, day, day)))
        .filteredOn(c -> c.value().equals(agentOnly)).extracting(UsageCell::usage).containsExactly(agentLevel);
    for (String traceId : traces) {
      List<FunctionalRecord> stored = all.stream().filter(r -> r.traceId().equals(traceId)).toList();
      assertThat(sum(await(store.usage(tenant, UsageKind.TRACE, day, day)).stream()
              .filter(c -> c.value().equals(traceId)).toList()))
          .isEqualTo(io.tracebridge.mapper.TraceUsage.total(stored));
    }
    assertThat(await(store.usage(RecordFixtures.newTenant(), UsageKind.TENANT, day, day))).isEmpty();
    assertThat(await(store.usage(tenant, UsageKind.TENANT, day.plusDays(1), day.plusDays(3)))).isEmpty();
  }

  @Test
  void agentLevelUsageIsTakenBackWhenTheFirstModelCallArrives() {
    String traceId = RecordFixtures.newTraceId();
    java.time.LocalDate day = java.time.LocalDate.of(2026, 3, 1);
    FunctionalRecord response = RecordFixtures.minimal(tenant, traceId, 9, BASE_TIME)
        .type(io.tracebridge.mapper.RecordType.RESPONSE).model("gpt-4o").totalUsage(io.tracebridge.mapper.Usage.of(300, 30)).build();
    FunctionalRecord call = RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .model("gpt-4o").usage(io.tracebridge.mapper.Usage.of(120, 12)).build();

    await(store.accept(List.of(response)));
    assertThat(sum(await(store.usage(tenant, UsageKind.TENANT, day, day)))).isEqualTo(io.tracebridge.mapper.Usage.of(300, 30));
    await(store.accept(List.of(call)));
    assertThat(sum(await(store.usage(tenant, UsageKind.TENANT, day, day)))).isEqualTo(io.tracebridge.mapper.Usage.of(120, 12));
    await(store.accept(List.of(response, call)));
    assertThat(sum(await(store.usage(tenant, UsageKind.TENANT, day, day))))
        .isEqualTo(io.tracebridge.mapper.Usage.of(120, 12));
    assertThat(await(store.listTraces(tenant, TraceQuery.recent(5))).traces().get(0).usage())
        .isEqualTo(io.tracebridge.mapper.Usage.of(120, 12));
  }

  // ---- Re-attribution: counts follow the record's agent and session ----

  private static final java.time.LocalDate DAY = java.time.LocalDate.of(2026, 3, 1);

  private io.tracebridge.mapper.Usage usageOf(UsageKind kind, String value) {
    return sum(await(store.usage(tenant, kind, DAY, DAY)).stream()
        .filter(c -> c.value().equals(value)).toList());
  }

  private TraceAssemblyStore assembly() {
    return (TraceAssemblyStore) store;
  }

  @Test
  void aCallsCountMovesWhenItsAgentAndSessionBecomeKnownAndAgainWhenCorrected() {
    String traceId = RecordFixtures.newTraceId();
    String session = RecordFixtures.newSessionId();
    io.tracebridge.mapper.Usage u = new io.tracebridge.mapper.Usage(1200, 80, 1000, 150, 20);
    FunctionalRecord early = RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .model("anthropic.claude-sonnet-4-5").usage(u).build();

    await(store.accept(List.of(early)));
    assertThat(usageOf(UsageKind.AGENT, UsageAccounting.UNKNOWN)).isEqualTo(u);
    assertThat(usageOf(UsageKind.SESSION, UsageAccounting.NONE)).isEqualTo(u);

    FunctionalRecord provisional = early.toBuilder().agentId("outer-guess").sessionId(session).build();
    await(store.accept(List.of(provisional)));
    await(store.accept(List.of(provisional, early))); // a retry, and the old version again: no move
    assertThat(usageOf(UsageKind.AGENT, UsageAccounting.UNKNOWN)).isEqualTo(io.tracebridge.mapper.Usage.ZERO);
    assertThat(usageOf(UsageKind.AGENT, "outer-guess")).isEqualTo(u);
    assertThat(usageOf(UsageKind.SESSION, session)).isEqualTo(u);
    assertThat(usageOf(UsageKind.SESSION, UsageAccounting.NONE)).isEqualTo(io.tracebridge.mapper.Usage.ZERO);

    FunctionalRecord right = provisional.toBuilder().agentId("inner").agentName("Inner").build();
    await(store.accept(List.of(right)));
    await(store.accept(List.of(right)));
    assertThat(usageOf(UsageKind.AGENT, "outer-guess")).isEqualTo(io.tracebridge.mapper.Usage.ZERO);
    assertThat(usageOf(UsageKind.AGENT, "inner")).isEqualTo(u);
    assertThat(sum(await(store.usage(tenant, UsageKind.TENANT, DAY, DAY)))).isEqualTo(u);
    assertThat(usageOf(UsageKind.TRACE, traceId)).isEqualTo(u);
    assertThat(await(store.listTraces(tenant, TraceQuery.recent(5))).traces().get(0).usage()).isEqualTo(u);
  }

  @Test
  void anAgentLevelTotalMovesWithItsRecordUntilTheFirstCallTakesItBack() {
    String traceId = RecordFixtures.newTraceId();
    io.tracebridge.mapper.Usage total = new io.tracebridge.mapper.Usage(3000, 200, 2000, 100, 0);
    FunctionalRecord response = RecordFixtures.minimal(tenant, traceId, 9, BASE_TIME)
        .type(io.tracebridge.mapper.RecordType.RESPONSE).model("gpt-5").totalUsage(total).build();

    await(store.accept(List.of(response)));
    assertThat(usageOf(UsageKind.AGENT, UsageAccounting.UNKNOWN)).isEqualTo(total);
    await(store.accept(List.of(response.toBuilder().agentName("planner").build())));
    assertThat(usageOf(UsageKind.AGENT, UsageAccounting.UNKNOWN)).isEqualTo(io.tracebridge.mapper.Usage.ZERO);
    assertThat(usageOf(UsageKind.AGENT, "planner")).isEqualTo(total);

    io.tracebridge.mapper.Usage call = io.tracebridge.mapper.Usage.of(900, 90);
    await(store.accept(List.of(RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .agentName("planner").model("gpt-5").usage(call).build())));
    assertThat(usageOf(UsageKind.AGENT, "planner")).isEqualTo(call);
    assertThat(usageOf(UsageKind.TRACE, traceId)).isEqualTo(call);
  }

  @Test
  void aRemovedRecordTakesItsCountWithItAndListenersHearOfIt() {
    List<String> removed = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.addListener(new StoredRecordListener() {
      @Override
      public void stored(List<StoredRecord> records) {}

      @Override
      public void removed(String t, String trace, List<String> recordIds) {
        removed.addAll(recordIds);
      }
    });
    String traceId = RecordFixtures.newTraceId();
    io.tracebridge.mapper.Usage copyUsage = io.tracebridge.mapper.Usage.of(400, 40);
    io.tracebridge.mapper.Usage nativeUsage = new io.tracebridge.mapper.Usage(420, 40, 300, 20, 0);
    FunctionalRecord hookCopy = RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .agentId("a").usage(copyUsage).text("hook text").build();
    FunctionalRecord nativeCall = RecordFixtures.minimal(tenant, traceId, 2, BASE_TIME)
        .agentId("a").model("m").usage(nativeUsage).build();
    await(store.accept(List.of(hookCopy, nativeCall)));
    assertThat(usageOf(UsageKind.TRACE, traceId)).isEqualTo(copyUsage.plus(nativeUsage));

    await(assembly().remove(tenant, TraceIds.toXray(traceId), List.of(hookCopy.recordId(), "no-such-record")));
    await(assembly().remove(tenant, traceId, List.of(hookCopy.recordId()))); // again: nothing left to take

    assertThat(await(store.findByTrace(tenant, traceId))).containsExactly(nativeCall);
    assertThat(usageOf(UsageKind.TRACE, traceId)).isEqualTo(nativeUsage);
    assertThat(usageOf(UsageKind.AGENT, "a")).isEqualTo(nativeUsage);
    assertThat(removed).containsExactly(hookCopy.recordId());
  }

  @Test
  void spansAreKeptWithTheirTraceAndPassesTellAWriterWhetherAnotherFinishedMeanwhile() {
    String traceId = RecordFixtures.newTraceId();
    io.tracebridge.mapper.SpanNode root = new io.tracebridge.mapper.SpanNode(
        traceId, RecordFixtures.newSpanId(), null, "outer", "outer", "s-1");
    io.tracebridge.mapper.SpanNode child = new io.tracebridge.mapper.SpanNode(
        traceId, RecordFixtures.newSpanId(), root.spanId(), null, null, null);
    FunctionalRecord record = RecordFixtures.minimal(tenant, traceId, 0, BASE_TIME).build();
    await(assembly().putSpans(tenant, List.of(child)));
    await(store.accept(List.of(record)));
    await(assembly().putSpans(tenant, List.of(root, child)));

    TraceSnapshot seen = await(assembly().snapshot(tenant, traceId));
    assertThat(seen.records()).containsExactly(record);
    assertThat(seen.spans()).containsOnlyKeys(root.spanId(), child.spanId());
    assertThat(seen.spans().get(root.spanId())).isEqualTo(root);
    assertThat(seen.passes()).isZero();
    assertThat(await(assembly().snapshot(RecordFixtures.newTenant(), traceId))).isEqualTo(TraceSnapshot.EMPTY);

    TraceSnapshot other = await(assembly().snapshot(tenant, traceId));
    assertThat(await(assembly().finishPass(tenant, traceId, other.passes()))).isTrue();
    assertThat(await(assembly().finishPass(tenant, traceId, seen.passes())))
        .as("another pass ended after this one's snapshot").isFalse();
    assertThat(await(assembly().snapshot(tenant, traceId)).passes()).isEqualTo(2);
  }

  @Test
  void theSummaryShowsTheOutermostAgentItsPromptAndTheRunsStopReasonWhateverTheOrder() {
    String traceId = RecordFixtures.newTraceId();
    FunctionalRecord outerPrompt = RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .type(io.tracebridge.mapper.RecordType.PROMPT).agentId("outer-id").agentName("outer")
        .sessionId("s-outer").text("plan my trip").build();
    FunctionalRecord innerPrompt = RecordFixtures.minimal(tenant, traceId, 2, BASE_TIME.plusSeconds(5))
        .type(io.tracebridge.mapper.RecordType.PROMPT).agentId("inner-id").agentName("inner")
        .sessionId("s-outer").text("find hotels").build();
    FunctionalRecord innerAnswer = RecordFixtures.minimal(tenant, traceId, 3, BASE_TIME.plusSeconds(9))
        .type(io.tracebridge.mapper.RecordType.RESPONSE).agentId("inner-id").finishReason("end_turn").build();
    FunctionalRecord outerAnswer = RecordFixtures.minimal(tenant, traceId, 4, BASE_TIME.plusSeconds(20))
        .type(io.tracebridge.mapper.RecordType.RESPONSE).agentId("outer-id").finishReason("max_tokens").build();

    await(store.accept(List.of(outerAnswer)));
    await(store.accept(List.of(innerPrompt, innerAnswer)));
    TraceSummary partial = await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0);
    assertThat(partial.agentId()).isEqualTo("inner-id");
    await(store.accept(List.of(outerPrompt)));

    TraceSummary s = await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0);
    assertThat(s.agentId()).isEqualTo("outer-id");
    assertThat(s.agentName()).isEqualTo("outer");
    assertThat(s.prompt()).isEqualTo("plan my trip");
    assertThat(s.stopReason()).isEqualTo("max_tokens");
    assertThat(s.status()).isEqualTo("stopped");
    assertThat(await(store.listTraces(tenant, new TraceQuery(null, "outer-id", null, null, 5, null))).traces())
        .extracting(TraceSummary::traceId).containsExactly(traceId);
    assertThat(await(store.listTraces(tenant, new TraceQuery(null, "inner-id", null, null, 5, null))).traces())
        .isEmpty();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} -> {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "end_turn, finished", "stop, finished", "STOP, finished", "max_tokens, stopped",
      "max_iterations, stopped", "length, stopped", "guardrail_intervened, stopped",
      "cancelled, stopped", "error, error"})
  void theStopReasonOfTheAnswerDecidesTheStatus(String reason, String status) {
    String traceId = RecordFixtures.newTraceId();
    await(store.accept(List.of(RecordFixtures.minimal(tenant, traceId, 1, BASE_TIME)
        .type(io.tracebridge.mapper.RecordType.RESPONSE).finishReason(reason).build())));
    TraceSummary s = await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0);
    assertThat(s.status()).isEqualTo(status);
    assertThat(s.stopReason()).isEqualTo(reason);
  }

  @Test
  void aStepThatFailedBeforeTheAnswerLeavesTheRunFinishedAFailedRunIsAnError() {
    String recovered = RecordFixtures.newTraceId();
    String failed = RecordFixtures.newTraceId();
    io.tracebridge.mapper.RecordError throttled = new io.tracebridge.mapper.RecordError("ThrottlingException", "slow down");
    await(store.accept(List.of(
        RecordFixtures.minimal(tenant, recovered, 1, BASE_TIME).type(io.tracebridge.mapper.RecordType.ERROR)
            .error(throttled).build(),
        RecordFixtures.minimal(tenant, recovered, 2, BASE_TIME.plusSeconds(1))
            .type(io.tracebridge.mapper.RecordType.RESPONSE).finishReason("end_turn").build())));
    await(store.accept(List.of(RecordFixtures.minimal(tenant, failed, 1, BASE_TIME.plusSeconds(10))
        .type(io.tracebridge.mapper.RecordType.ERROR).error(throttled).build())));
    List<TraceSummary> traces = await(store.listTraces(tenant, TraceQuery.recent(5))).traces();
    assertThat(traces).extracting(TraceSummary::traceId, TraceSummary::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(failed, "error"),
            org.assertj.core.groups.Tuple.tuple(recovered, "finished"));

    await(store.accept(List.of(RecordFixtures.minimal(tenant, failed, 2, BASE_TIME.plusSeconds(11))
        .type(io.tracebridge.mapper.RecordType.RESPONSE).error(throttled).build())));
    assertThat(await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0).status()).isEqualTo("error");

    // The agent's own span failed (Strands raised MaxTokensReachedException): its answer, without
    // an error of its own, does not make the run finished.
    String raised = RecordFixtures.newTraceId();
    FunctionalRecord answer = RecordFixtures.minimal(tenant, raised, 2, BASE_TIME.plusSeconds(30))
        .type(io.tracebridge.mapper.RecordType.RESPONSE).build();
    await(store.accept(List.of(answer)));
    assertThat(await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0).status()).isEqualTo("finished");
    await(store.accept(List.of(answer.toBuilder().recordId(answer.recordId() + "-error")
        .type(io.tracebridge.mapper.RecordType.ERROR).error(new io.tracebridge.mapper.RecordError(
            "MaxTokensReachedException", "maximum token limit")).build())));
    assertThat(await(store.listTraces(tenant, TraceQuery.recent(1))).traces().get(0).status()).isEqualTo("error");
  }

  private static io.tracebridge.mapper.Usage sum(List<UsageCell> cells) {
    return cells.stream().map(UsageCell::usage).reduce(io.tracebridge.mapper.Usage.ZERO, io.tracebridge.mapper.Usage::plus);
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

  @Test
  void listenersHearOneCallPerExportWithItsVersionsInTimelineOrder() {
    List<List<StoredRecord>> calls = new java.util.concurrent.CopyOnWriteArrayList<>();
    store.addListener(calls::add);
    String traceA = RecordFixtures.newTraceId();
    String traceB = RecordFixtures.newTraceId();
    // Several chunks' worth of one trace (the DynamoDB store writes 8 a task, in parallel), and
    // another trace interleaved in time, exported newest first.
    List<FunctionalRecord> export = new ArrayList<>(concat(List.of(
        RecordFixtures.trace(tenant, traceA, null, 20, BASE_TIME),
        RecordFixtures.trace(tenant, traceB, null, 5, BASE_TIME.plusNanos(500_000)))));
    Collections.reverse(export);
    // Two records at one instant: the export's order decides, not their ids.
    Instant later = BASE_TIME.plusSeconds(1);
    FunctionalRecord x = RecordFixtures.minimal(tenant, traceA, 100, later).text("x").build();
    FunctionalRecord y = RecordFixtures.minimal(tenant, traceA, 101, later).text("y").build();
    boolean xFirstById = x.recordId().compareTo(y.recordId()) < 0;
    export.addAll(0, xFirstById ? List.of(y, x) : List.of(x, y));
    List<FunctionalRecord> expected = export.stream()
        .sorted(java.util.Comparator.comparing(FunctionalRecord::timestamp)).toList();

    await(store.accept(export));

    assertThat(calls).as("one call for the export").hasSize(1);
    assertThat(calls.get(0)).extracting(StoredRecord::record).containsExactlyElementsOf(expected);
    assertThat(expected.subList(expected.size() - 2, expected.size()))
        .as("the tie goes by export order").containsExactly(xFirstById ? y : x, xFirstById ? x : y);
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
