package io.tracebridge.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.annotation.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The one configuration of every role: a setting is a long flag ({@code --grpc-port}), the same
 * name as an environment variable ({@code TRACEBRIDGE_GRPC_PORT}) or as a key of the optional
 * properties file ({@code grpc-port=4317}). A flag wins over the environment, the environment over
 * the file, the file over the built-in default.
 *
 * <p>Installed as picocli's default-value provider, so every option of every role resolves the
 * same way, and {@link #source} tells where a value came from (for {@code tracebridge config} and
 * for error messages that name the setting as the user wrote it). The file is read once, when this
 * is built; a key no role knows fails start-up ({@link #checkFileKeys}), so a typo is never
 * silently ignored. Thread-safe after construction.
 */
public final class SettingSources implements CommandLine.IDefaultValueProvider {
  /** Prefix of the environment variables that set options. */
  public static final String ENV_PREFIX = "TRACEBRIDGE_";
  /** The flag and variable naming the properties file. */
  public static final String CONFIG_OPTION = "--config";

  private final Map<String, String> env;
  private final Properties file = new Properties();
  private final @Nullable Path filePath;
  private final Map<String, String> sources = new ConcurrentHashMap<>();

  private SettingSources(Map<String, String> env, @Nullable Path filePath) {
    this.env = Map.copyOf(env);
    this.filePath = filePath;
    if (filePath != null) {
      try (Reader in = Files.newBufferedReader(filePath)) {
        file.load(in);
      } catch (IOException e) {
        throw new CommandLine.InitializationException(
            "cannot read the configuration file " + filePath + " (" + CONFIG_OPTION + " / "
                + envName(CONFIG_OPTION) + "): " + e.getMessage());
      }
    }
  }

  /**
   * The sources for one run: {@code env}, and the file named by {@code --config FILE} (or {@code
   * --config=FILE}) in {@code args}, else by {@code TRACEBRIDGE_CONFIG}. The file has to be known
   * before picocli parses, as defaults are applied first.
   */
  public static SettingSources of(String[] args, Map<String, String> env) {
    String path = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(CONFIG_OPTION) && i + 1 < args.length) {
        path = args[i + 1];
      } else if (args[i].startsWith(CONFIG_OPTION + "=")) {
        path = args[i].substring(CONFIG_OPTION.length() + 1);
      }
    }
    if (path == null) {
      path = env.get(envName(CONFIG_OPTION));
    }
    return new SettingSources(env, path == null || path.isBlank() ? null : Path.of(path));
  }

  /** {@code --grpc-port} → {@code TRACEBRIDGE_GRPC_PORT}. */
  public static String envName(String longOption) {
    return ENV_PREFIX + bare(longOption).toUpperCase(Locale.ROOT).replace('-', '_');
  }

  /** {@code --grpc-port} → {@code grpc-port}, the key in the properties file. */
  public static String fileKey(String longOption) {
    return bare(longOption);
  }

  private static String bare(String longOption) {
    return longOption.startsWith("--") ? longOption.substring(2) : longOption;
  }

  @Override
  @Nullable
  public String defaultValue(ArgSpec arg) {
    if (!(arg instanceof OptionSpec option) || option.longestName().equals(CONFIG_OPTION)) {
      return null;
    }
    String name = option.longestName();
    String value = env.get(envName(name));
    if (value != null) {
      sources.put(name, envName(name));
      return value;
    }
    value = file.getProperty(fileKey(name));
    if (value != null) {
      sources.put(name, filePath + " (" + fileKey(name) + ")");
      return value.trim();
    }
    sources.put(name, "default");
    return null;
  }

  /**
   * Where {@code option} got its value in {@code spec}'s last parse: {@code "flag"}, the variable,
   * the file and key, or {@code "default"}.
   */
  public String source(CommandLine.Model.CommandSpec spec, OptionSpec option) {
    CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
    if (parsed != null && parsed.hasMatchedOption(option)) {
      return "flag";
    }
    return sources.getOrDefault(option.longestName(), "default");
  }

  /** As {@link #source(CommandLine.Model.CommandSpec, OptionSpec)}, by the option's long name. */
  public String source(CommandLine.Model.CommandSpec spec, String longOption) {
    OptionSpec option = Objects.requireNonNull(spec.findOption(longOption), longOption);
    return source(spec, option);
  }

  /**
   * Fails when the file has a key that no command of {@code root} knows, naming the key and the
   * file. One file may serve every role, so a key of another role is fine.
   */
  public void checkFileKeys(CommandLine root) {
    Set<String> known = new TreeSet<>();
    collect(root, known);
    for (String key : file.stringPropertyNames()) {
      if (!known.contains(key)) {
        throw new CommandLine.ParameterException(root,
            "unknown setting '" + key + "' in " + filePath + " (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private static void collect(CommandLine command, Set<String> known) {
    command.getCommandSpec().options().forEach(o -> known.add(fileKey(o.longestName())));
    command.getSubcommands().values().forEach(sub -> collect(sub, known));
  }

  /** The environment settings are read from. */
  public Map<String, String> environment() {
    return env;
  }

  /** The configuration file in use, if any. */
  public @Nullable Path file() {
    return filePath;
  }
}
