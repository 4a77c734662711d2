/**
 * OpenTelemetry SDK set-up for the runtime and the typed span attribute keys it writes.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.telemetry;

import javax.annotation.ParametersAreNonnullByDefault;
