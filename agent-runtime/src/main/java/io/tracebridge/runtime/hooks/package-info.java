/**
 * Ready-made hook providers: session attributes for tools ({@link
 * io.tracebridge.runtime.hooks.SessionContextHook}) and functional span events ({@link
 * io.tracebridge.runtime.hooks.TelemetryCaptureHook}).
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.hooks;

import javax.annotation.ParametersAreNonnullByDefault;
