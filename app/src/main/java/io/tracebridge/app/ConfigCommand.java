package io.tracebridge.app;

import io.tracebridge.app.config.RoleOptions;
import io.tracebridge.app.config.SettingSources;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code tracebridge config <role> [settings]}: the effective configuration of a role, each
 * setting with where its value came from, then the environment the AWS SDK and the runtime read,
 * with secrets masked. Parses exactly as the role would, so a bad value fails here the same way.
 */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = "Print the effective configuration of a role (receiver, web, runtime, up), secrets masked.")
final class ConfigCommand implements Callable<Integer> {
  /** Variables shown besides the roles' own: the AWS SDK's, CloudWatch export's and the runtime's. */
  private static final Pattern SHOWN_ENV = Pattern.compile(
      "AWS_(REGION|DEFAULT_REGION|PROFILE|ENDPOINT_URL|ENDPOINT_URL_DYNAMODB|ENDPOINT_URL_BEDROCK_RUNTIME|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN"
          + "|CONTAINER_CREDENTIALS_RELATIVE_URI|ROLE_ARN|WEB_IDENTITY_TOKEN_FILE)"
          + "|TRACEBRIDGE_CLOUDWATCH_.*|PORT|HOST|MODEL_ID|MAX_TOKENS|MAX_ITERATIONS|SYSTEM_PROMPT|AGENT_NAME"
          + "|OPENAI_.*|GEMINI_API_KEY|GEMINI_API_KEY_SECRET|GEMINI_NATIVE_BASE_URL|BEDROCK_CREDENTIALS_SECRET|MCP_SERVERS|MCP_SERVER_URL|GATEWAY_URL|MCP_SIGV4"
          + "|DEMO_TOOLS|MODEL_MAX_TOKENS|LOG_FORMAT|LOG_BODY_CHARS|OTEL_.*");
  /** Values of variables whose name says they hold a secret are masked. */
  private static final Pattern SECRET_NAME = Pattern.compile(".*(SECRET_ACCESS_KEY|SESSION_TOKEN|API_KEY|PASSWORD|_TOKEN)$");
  /** Secrets inside JSON values ({@code OPENAI_PROVIDERS}' {@code api_key}, {@code MCP_SERVERS}' {@code token}). */
  private static final Pattern SECRET_FIELD =
      Pattern.compile("(\"(?:api_key|apiKey|token|password|secret)\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"");

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "ROLE", description = "receiver, web, runtime or up")
  String role;

  @Unmatched List<String> settings = new ArrayList<>();

  @Override
  public Integer call() {
    CommandLine roleLine = spec.parent().commandLine().getSubcommands().get(role);
    if (roleLine == null || role.equals("config") || role.equals("demo")) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "unknown role '" + role + "': one of receiver, web, runtime, up");
    }
    roleLine.parseArgs(settings.toArray(String[]::new));
    CommandSpec roleSpec = roleLine.getCommandSpec();
    SettingSources sources = (SettingSources) spec.root().defaultValueProvider();
    Map<String, String> env = sources.environment();
    PrintWriter out = spec.commandLine().getOut();
    out.printf("# tracebridge %s: effective configuration%s%n", role,
        sources.file() == null ? "" : " (config file " + sources.file() + ")");
    for (OptionSpec option : roleSpec.options()) {
      if (option.usageHelp() || option.versionHelp() || option.longestName().equals(SettingSources.CONFIG_OPTION)) {
        continue;
      }
      Object value = option.getValue();
      if (value != null && RoleOptions.Web.SECRET_OPTIONS.contains(option.longestName())) {
        value = "****";
      }
      out.printf("%-24s = %-28s # %s%n", option.longestName(), value == null ? "(none)" : value,
          sources.source(roleSpec, option));
    }
    out.println("# environment read by the AWS SDK, CloudWatch export and the runtime");
    Map<String, String> shown = new TreeMap<>();
    env.forEach((k, v) -> {
      if (SHOWN_ENV.matcher(k).matches()) {
        shown.put(k, mask(k, v));
      }
    });
    if (shown.isEmpty()) {
      out.println("# (none set)");
    }
    shown.forEach((k, v) -> out.printf("%s=%s%n", k, v));
    out.flush();
    return 0;
  }

  /** Secrets as {@code ****}; an access key id keeps its first four characters (which key it is). */
  static String mask(String name, String value) {
    String upper = name.toUpperCase(Locale.ROOT);
    if (upper.equals("AWS_ACCESS_KEY_ID")) {
      return value.length() <= 4 ? "****" : value.substring(0, 4) + "****";
    }
    if (SECRET_NAME.matcher(upper).matches()) {
      return "****";
    }
    return SECRET_FIELD.matcher(value).replaceAll("$1\"****\"");
  }
}
