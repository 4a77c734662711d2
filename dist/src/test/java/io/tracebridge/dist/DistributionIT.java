package io.tracebridge.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution as a user gets it: its layout, its launcher ({@code bin/tracebridge}
 * through a symlink, {@code JAVA_HOME}, {@code JAVA_OPTS}), the tarball, and the configuration
 * example, which must name every setting of every role and nothing else.
 */
class DistributionIT {
  private static final Path HOME = Path.of(System.getProperty("tracebridge.dist.home", "target/tracebridge-dist-missing"));
  private static final List<String> ROLES = List.of("receiver", "web", "runtime", "up");
  /** A commented-out setting of the example: {@code #key=value}. */
  private static final Pattern COMMENTED_SETTING = Pattern.compile("^#([a-z][a-z-]*)=(.*)$");
  /** A line of {@code tracebridge config}: {@code --name = value # source}. */
  private static final Pattern CONFIG_LINE = Pattern.compile("^--([a-z-]+)\\s+=.*#\\s*(.+)$");

  @TempDir Path scratch;

  @Test
  void theDistributionHoldsTheLauncherTheLibrariesAndTheConfigurationExample() throws IOException {
    assertThat(HOME.resolve(Topology.LAUNCHER)).isRegularFile().isExecutable();
    assertThat(HOME.resolve("conf/tracebridge.properties.example")).isRegularFile();
    assertThat(HOME.resolve("README.md")).isRegularFile();
    List<String> jars;
    try (Stream<Path> lib = Files.list(HOME.resolve("lib"))) {
      jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
    }
    assertThat(jars).allMatch(name -> name.endsWith(".jar"), "only jars in lib/")
        .anyMatch(name -> name.startsWith("app-"))
        .anyMatch(name -> name.startsWith("DynamoDBLocal-"))
        .anyMatch(name -> name.startsWith("hazelcast-"));
  }

  @Test
  void theTarballUnpacksToTheSameFilesUnderOneDirectoryWithAnExecutableLauncher() throws Exception {
    String base = HOME.getFileName().toString();
    Path tarball = HOME.resolveSibling(base + ".tar.gz");
    Map<String, String> modes = tarEntries(tarball);
    Set<String> expected = new TreeSet<>();
    try (Stream<Path> files = Files.walk(HOME)) {
      files.filter(Files::isRegularFile).forEach(f -> expected.add(base + "/" + HOME.relativize(f)));
    }
    assertThat(new TreeSet<>(modes.keySet())).isEqualTo(expected);
    assertThat(modes.get(base + "/" + Topology.LAUNCHER)).as("launcher mode").isEqualTo("-rwxr-xr-x");
    assertThat(Files.getPosixFilePermissions(HOME.resolve(Topology.LAUNCHER)))
        .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
  }

  @Test
  void theLauncherRunsThroughASymlinkOnJavaHomeAndPassesJavaOpts() throws Exception {
    Path link = scratch.resolve("tracebridge");
    Files.createSymbolicLink(link, HOME.resolve(Topology.LAUNCHER).toAbsolutePath());
    Map<String, String> env = javaOnlyEnvironment();

    Result narrow = run(List.of(link.toString(), "--help"), env);
    assertThat(narrow.exit).as(narrow.output).isZero();
    assertThat(narrow.output).contains("receiver", "web", "runtime", "up", "config");

    // picocli reads its usage width from a system property: JAVA_OPTS reach the JVM.
    env.put("JAVA_OPTS", "-Dpicocli.usage.width=200");
    Result wide = run(List.of(link.toString(), "--help"), env);
    assertThat(wide.exit).as(wide.output).isZero();
    assertThat(maxLineLength(wide.output)).isGreaterThan(maxLineLength(narrow.output)).isGreaterThan(80);

    env.put("JAVA_HOME", scratch.resolve("no-such-jre").toString());
    Result noJava = run(List.of(link.toString(), "--help"), env);
    assertThat(noJava.exit).isEqualTo(1);
    assertThat(noJava.output).contains("JAVA_HOME", "no-such-jre");
  }

  @Test
  void theConfigurationExampleNamesEverySettingOfEveryRoleAndOnlyRealOnes() throws Exception {
    // Uncomment every setting: each role must then take every one of its settings from the file.
    List<String> uncommented = new ArrayList<>();
    Set<String> keys = new TreeSet<>();
    for (String line : Files.readAllLines(HOME.resolve("conf/tracebridge.properties.example"))) {
      Matcher m = COMMENTED_SETTING.matcher(line);
      if (m.matches()) {
        keys.add(m.group(1));
        uncommented.add(m.group(1) + "=" + m.group(2));
      }
    }
    assertThat(keys).contains("table", "create-table", "cluster-members", "grpc-port", "web-port", "health-port");
    Path file = scratch.resolve("tracebridge.properties");
    Files.write(file, uncommented);

    Set<String> used = new TreeSet<>();
    for (String role : ROLES) {
      Result config = run(List.of(HOME.resolve(Topology.LAUNCHER).toString(), "config", role,
          "--config", file.toString()), javaOnlyEnvironment());
      assertThat(config.exit).as(role + ": " + config.output).isZero();
      int settings = 0;
      for (String line : config.output.split("\\R")) {
        Matcher m = CONFIG_LINE.matcher(line);
        if (m.matches()) {
          settings++;
          used.add(m.group(1));
          assertThat(m.group(2)).as(role + " --" + m.group(1) + " comes from the example")
              .isEqualTo(file + " (" + m.group(1) + ")");
        }
      }
      assertThat(settings).as(role + " printed its settings: " + config.output).isPositive();
    }
    assertThat(keys).as("keys of the example that no role uses").isEqualTo(used);
  }

  /** Only what a JRE needs: PATH and JAVA_HOME. */
  private static Map<String, String> javaOnlyEnvironment() {
    Map<String, String> env = new HashMap<>();
    env.put("PATH", "/usr/bin:/bin");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  private record Result(int exit, String output) {}

  private Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).directory(scratch.toFile()).redirectErrorStream(true);
    builder.environment().clear();
    builder.environment().putAll(env);
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not end: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  private static int maxLineLength(String text) {
    return text.lines().mapToInt(String::length).max().orElse(0);
  }

  /** Regular files of a .tar.gz and their permissions ({@code -rwxr-xr-x}), as the system's tar lists them. */
  private Map<String, String> tarEntries(Path tarball) throws Exception {
    Result list = run(List.of("tar", "-tvzf", tarball.toString()), Map.of("PATH", "/usr/bin:/bin"));
    assertThat(list.exit).as(list.output).isZero();
    Map<String, String> entries = new HashMap<>();
    for (String line : list.output.split("\\R")) {
      if (line.startsWith("-")) { // regular files: permissions, owner, size, date, time, name
        String[] fields = line.trim().split("\\s+", 6);
        entries.put(fields[5], fields[0]);
      }
    }
    return entries;
  }
}
