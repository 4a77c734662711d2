/**
 * The CloudWatch Logs side: prompt and completion content as one log event per span in the shape
 * AgentCore observability uses ({@link io.tracebridge.cloudwatch.logs.ContentLogMapper}), token
 * counts as Embedded Metric Format lines ({@link io.tracebridge.cloudwatch.logs.EmfMapper}),
 * PutLogEvents limits ({@link io.tracebridge.cloudwatch.logs.LogEventBatcher}) and the sender that
 * creates the log group and stream when missing ({@link
 * io.tracebridge.cloudwatch.logs.CloudWatchLogsSender}).
 */
@ParametersAreNonnullByDefault
package io.tracebridge.cloudwatch.logs;

import javax.annotation.ParametersAreNonnullByDefault;
