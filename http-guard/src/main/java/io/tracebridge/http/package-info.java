/**
 * Hardening that every TraceBridge Vert.x HTTP server applies the same way: strict HTTP/1.1
 * request framing (one {@code Host}, exact {@code chunked}, no obsolete line folding), a header
 * read time-out, a body read time-out with a minimum rate, and an idle limit. {@link
 * io.tracebridge.http.HttpGuard} is the entry point; {@link io.tracebridge.http.GuardLimits} its
 * settings.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.http;

import javax.annotation.ParametersAreNonnullByDefault;
