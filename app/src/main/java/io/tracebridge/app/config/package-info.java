/**
 * Where the settings of every role come from: flags, then {@code TRACEBRIDGE_*} environment
 * variables, then an optional properties file, then the defaults ({@link
 * io.tracebridge.app.config.SettingSources}); the option groups the roles share ({@link
 * io.tracebridge.app.config.RoleOptions}); and the effective configuration a role prints.
 */
@ParametersAreNonnullByDefault
package io.tracebridge.app.config;

import javax.annotation.ParametersAreNonnullByDefault;
