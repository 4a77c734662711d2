/**
 * OTLP spans to X-Ray segment documents, one class per concern as the collector's {@code
 * awsxrayexporter/internal/translator}: {@link io.tracebridge.cloudwatch.xray.translator.SegmentTranslator}
 * orchestrates; {@code TraceIds} (trace id form and timestamp rule), {@code SegmentNames} (naming
 * and sanitising), {@code SegmentKinds} (segment vs subsegment, namespace), {@code ErrorFlags},
 * {@code CauseMapper} (exceptions as cause), {@code EventsMapper} (span events kept as metadata),
 * {@code AnnotationsMapper} (searchable keys as annotations, the rest as metadata) and {@code
 * SegmentTrimmer} (the 64 KB document limit). Pure functions: no I/O.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch.xray.translator;

import javax.annotation.ParametersAreNonnullByDefault;
