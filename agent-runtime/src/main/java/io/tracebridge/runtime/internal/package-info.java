/**
 * Internal helpers. Public only for use across this module's packages: not a supported API,
 * may change without notice.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.internal;

import javax.annotation.ParametersAreNonnullByDefault;
