package io.tracebridge.cloudwatch;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * moto's server mode on 127.0.0.1 for the {@code *InteropIT}s: a real AWS wire-protocol server
 * (routing by the SigV4 credential scope; signatures not verified). {@code .ci/interop-moto.sh}
 * installs it into a venv under the cache directory; {@code MOTO_SERVER} may name the executable
 * instead. Started on a free port, stopped by {@link #close()} (this process only).
 */
public final class MotoServer implements AutoCloseable {
  private final Process process;
  private final int port;

  private MotoServer(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  public static MotoServer start() throws IOException, InterruptedException {
    String executable = executable().orElseThrow(() -> new IllegalStateException(
        "moto_server not found: run .ci/interop-moto.sh (or set MOTO_SERVER)"));
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path log = Files.createTempFile("moto-", ".log");
    Process process = new ProcessBuilder(executable, "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("moto_server exited: " + Files.readString(log));
      }
      try (Socket probe = new Socket()) {
        probe.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return new MotoServer(process, port);
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IllegalStateException("moto_server did not listen on " + port + " within 60 s");
  }

  private static Optional<String> executable() {
    Map<String, String> env = System.getenv();
    if (env.get("MOTO_SERVER") != null) {
      return Optional.of(env.get("MOTO_SERVER"));
    }
    String cache = env.getOrDefault("TRACEBRIDGE_CACHE",
        env.getOrDefault("XDG_CACHE_HOME", System.getProperty("user.home") + "/.cache") + "/tracebridge");
    Path venv = Path.of(cache, "moto-venv", "bin", "moto_server");
    if (Files.isExecutable(venv)) {
      return Optional.of(venv.toString());
    }
    Path userInstall = Path.of(System.getProperty("user.home"), ".local", "bin", "moto_server");
    if (Files.isExecutable(userInstall)) {
      return Optional.of(userInstall.toString());
    }
    for (String dir : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "moto_server");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + port);
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
    children.forEach(ProcessHandle::destroy);
  }
}
