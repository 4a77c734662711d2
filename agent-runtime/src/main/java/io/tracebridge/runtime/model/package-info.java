/**
 * Model implementations. This issue ships only the offline {@link
 * io.tracebridge.runtime.model.ScriptedModel}; Bedrock Converse and OpenAI-compatible models plug
 * into the same {@link io.tracebridge.runtime.core.Model} interface later.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.runtime.model;

import javax.annotation.ParametersAreNonnullByDefault;
