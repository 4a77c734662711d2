package io.tracebridge.dist;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.annotation.Nullable;

/**
 * One operating-system process of a {@link Topology}: a TraceBridge role started from the
 * distribution's {@code bin/tracebridge}, or the standalone DynamoDB Local server. Its stdout and
 * stderr go, merged, to one log file ({@link #log()}).
 *
 * <p>The process is started by {@link #start}; {@link #kill()} ends it with SIGKILL (nothing it
 * holds is flushed or closed), {@link #stop()} with SIGTERM (its shutdown hooks run). Thread-safe:
 * every method may be called from any thread.
 */
public final class RoleProcess {
  /** How often {@link #awaitReady} asks again. */
  private static final Duration POLL = Duration.ofMillis(100);
  /** How long {@link #stop()} lets the process shut down before it is killed. */
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  /** Lines of the log that {@link #tail()} returns. */
  static final int TAIL_LINES = 60;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String name;
  private final Process process;
  private final Path log;
  private final Map<String, Integer> ports;
  private final @Nullable URI readiness;

  private RoleProcess(String name, Process process, Path log, Map<String, Integer> ports, @Nullable URI readiness) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.ports = Collections.unmodifiableMap(new LinkedHashMap<>(ports)); // in the given order
    this.readiness = readiness;
  }

  /**
   * Starts {@code command} with exactly {@code environment} (nothing inherited), its output
   * appended to {@code log}.
   *
   * @param ports the ports this process was told to listen on, by name ({@code grpc}, {@code web}, ...)
   * @param readiness the URL that answers 200 once the process is ready; null: ready once the
   *     first of {@code ports} accepts connections
   */
  static RoleProcess start(String name, List<String> command, Map<String, String> environment,
      Path workDir, Path log, Map<String, Integer> ports, @Nullable URI readiness) {
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(workDir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    builder.environment().clear();
    builder.environment().putAll(environment);
    try {
      Files.createDirectories(workDir);
      Files.writeString(log, "$ " + String.join(" ", command) + System.lineSeparator(),
          StandardCharsets.UTF_8);
      return new RoleProcess(name, builder.start(), log, ports, readiness);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name + ": " + command, e);
    }
  }

  public String name() {
    return name;
  }

  /** The port named {@code key} this process listens on. */
  public int port(String key) {
    Integer port = ports.get(key);
    if (port == null) {
      throw new IllegalArgumentException(name + " has no port '" + key + "' (has " + ports.keySet() + ")");
    }
    return port;
  }

  public Path log() {
    return log;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /**
   * Waits until the readiness URL answers 200 (or, without one, until the first port accepts a
   * connection).
   *
   * @throws IllegalStateException if the process exits first or {@code timeout} passes, with the
   *     tail of its log
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    String last = "no answer yet";
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(name + " exited with " + process.exitValue()
            + " before it was ready; its log (" + log + "):\n" + tail());
      }
      if (readiness == null) {
        if (accepts(ports.values().iterator().next())) {
          return;
        }
        last = "port not open";
        Thread.sleep(POLL.toMillis());
        continue;
      }
      try {
        HttpResponse<String> answer = HTTP.send(
            HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() == 200) {
          return;
        }
        last = answer.statusCode() + " " + answer.body();
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(name + " not ready within " + timeout + " (" + readiness + ": "
        + last + "); its log (" + log + "):\n" + tail());
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** SIGKILL: the process ends at once, without running its shutdown hooks. Waits until it is gone. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** SIGTERM, then SIGKILL if it has not ended within a grace time. Waits until it is gone. */
  public void stop() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
      kill();
    }
  }

  /** The last {@value #TAIL_LINES} lines of the log (what is there so far). */
  public String tail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      List<String> tail = new ArrayList<>(lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
      return String.join(System.lineSeparator(), tail);
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + log + ": " + e + ")";
    }
  }

  @Override
  public String toString() {
    return name + " (pid " + process.pid() + (process.isAlive() ? "" : ", ended") + ", ports " + ports + ")";
  }
}
