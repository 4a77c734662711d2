/** The OTLP/JSON wire encoding, shared by the receiver and by every test that reads fixtures. */
@ParametersAreNonnullByDefault
package io.tracebridge.mapper.otlp;

import javax.annotation.ParametersAreNonnullByDefault;
