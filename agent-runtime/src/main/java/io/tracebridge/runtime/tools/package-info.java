/**
 * Built-in Java tools. Their schemas wrap every parameter in {@code toolParameters}, as the seed
 * does for gateway tools, so session context can sit beside them unseen by the model.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.tools;

import javax.annotation.ParametersAreNonnullByDefault;
