/**
 * Internal helpers of the CloudWatch export (its wiring of aws-support's retry policy, error
 * classification, throttled logging, OTLP attribute access, what counts as GenAI content and its
 * removal from spans). Public only for the module's own packages; not a supported API.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch.internal;

import javax.annotation.ParametersAreNonnullByDefault;
