package io.tracebridge.cwimport;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.tracebridge.cloudwatch.xray.translator.SegmentTranslator;
import io.tracebridge.mapper.FunctionalRecord;
import io.tracebridge.store.memory.InMemoryTraceStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * X-Ray documents back into spans: documents written by our own exporter ({@code
 * SegmentTranslator}, as cloudwatch-export sends them) of the captured runs give, through the
 * receiver's path, the records of the spans themselves but for what X-Ray keeps of time
 * (microseconds: its times are float seconds).
 */
class XRaySegmentsTest {
  @ParameterizedTest
  @FieldSource("io.tracebridge.cwimport.Fixtures#CASES")
  void documentsOfOurExporterGiveTheRecordsOfTheSpans(String caseName) throws Exception {
    var translation = SegmentTranslator.defaults().translate(Fixtures.spans(caseName));
    List<String> documents = translation.documents().stream().map(SegmentTranslator.SegmentDocument::json).toList();
    List<String> problems = new ArrayList<>();
    List<XRaySegments.Converted> spans = XRaySegments.spans(documents, problems);
    assertThat(problems).isEmpty();
    OtlpBatch batch = new OtlpBatch();
    spans.forEach(c -> batch.addSpan(c.resource(), c.scope(), c.span()));
    assertThat(batch.spanCount()).isEqualTo(Fixtures.spans(caseName).getResourceSpans(0).getScopeSpans(0).getSpansCount());

    InMemoryTraceStore store = new InMemoryTraceStore();
    Fixtures.Ingest ingest = Fixtures.Ingest.over(store);
    ingest.send("live", Fixtures.spans(caseName), ExportLogsServiceRequest.getDefaultInstance());
    ingest.send("xray", batch.traces(), ExportLogsServiceRequest.getDefaultInstance());
    String traceId = batch.traceIds().iterator().next();
    List<FunctionalRecord> live = Fixtures.comparable(store.findByTrace("live", traceId).toCompletableFuture().get());
    List<FunctionalRecord> xray = Fixtures.comparable(store.findByTrace("xray", traceId).toCompletableFuture().get());
    assertThat(xray).hasSameSizeAs(live);
    for (int i = 0; i < live.size(); i++) {
      FunctionalRecord l = live.get(i);
      FunctionalRecord x = xray.get(i);
      assertThat(x.recordId()).isEqualTo(l.recordId());
      assertThat(x.type()).isEqualTo(l.type());
      assertThat(x.spanName()).isEqualTo(l.spanName());
      assertThat(x.parentSpanId()).isEqualTo(l.parentSpanId());
      assertThat(x.usage()).isEqualTo(l.usage());
      assertThat(x.totalUsage()).isEqualTo(l.totalUsage());
      assertThat(x.tool()).isEqualTo(l.tool());
      assertThat(x.agentName()).isEqualTo(l.agentName());
      assertThat(x.sessionId()).isEqualTo(l.sessionId());
      assertThat(x.model()).isEqualTo(l.model());
      assertThat(x.text()).isEqualTo(l.text());
      assertThat(Math.abs(x.timestamp().toEpochMilli() - l.timestamp().toEpochMilli())).isLessThanOrEqualTo(1);
    }
    assertThat(CloudWatchImport.billedUsage(xray)).isEqualTo(CloudWatchImport.billedUsage(live));
  }

  @Test
  void anotherProducersDocumentsGetNamesKindsAndStatusFromTheDocument() {
    String segment = "{\"id\":\"70de5b6f19ff9a0a\",\"trace_id\":\"1-581cf771-a006649127e371903a2de979\",\"name\":\"checkout\","
        + "\"start_time\":1478293361.271,\"end_time\":1478293361.449,\"fault\":true,"
        + "\"cause\":{\"exceptions\":[{\"message\":\"boom\"}]},"
        + "\"annotations\":{\"gen_ai_request_model\":\"m1\",\"custom_key\":\"v\"},\"metadata\":{\"default\":{\"a.b\":3}},"
        + "\"subsegments\":[{\"id\":\"0f910026178b71eb\",\"name\":\"bedrock\",\"namespace\":\"aws\","
        + "\"start_time\":1478293361.3,\"end_time\":1478293361.4}]}";
    List<String> problems = new ArrayList<>();
    List<XRaySegments.Converted> spans = XRaySegments.spans(List.of(segment, "not json"), problems);
    assertThat(problems).containsExactly("X-Ray document that is not JSON");
    assertThat(spans).hasSize(2);
    Span root = spans.get(0).span();
    assertThat(root.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(root.getName()).isEqualTo("checkout");
    assertThat(root.getStartTimeUnixNano()).isEqualTo(1_478_293_361_271_000_000L);
    assertThat(root.getStatus().getMessage()).isEqualTo("boom");
    assertThat(root.getAttributesList()).extracting(kv -> kv.getKey())
        .containsExactlyInAnyOrder("a.b", "gen_ai.request.model", "custom_key");
    assertThat(CloudWatchEvents.serviceName(spans.get(0).resource())).isEqualTo("checkout");
    Span child = spans.get(1).span();
    assertThat(child.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
    assertThat(child.getParentSpanId()).isEqualTo(root.getSpanId());
    assertThat(spans.get(1).resource()).isEqualTo(spans.get(0).resource());
  }
}
