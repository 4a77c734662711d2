package io.tracebridge.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.tracebridge.http.GuardLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The web port is guarded like the OTLP/HTTP port (http-guard): strict HTTP/1.1 framing and a
 * header time-out, so a slow or ambiguous client gets a clear refusal and its connection closed,
 * while well-formed requests on the same port are served. Raw sockets, a real Vert.x server.
 */
class WebPortGuardTest {
  /** Short, so a trickling client is closed quickly; the test only waits for the outcome. */
  private static final Duration HEADER_TIMEOUT = Duration.ofMillis(300);

  private WebTestSupport web;

  @BeforeEach
  void start() throws Exception {
    web = new WebTestSupport(WebConfig.builder()
        .connectionLimits(GuardLimits.defaults().withHeaderTimeout(HEADER_TIMEOUT)));
  }

  @AfterEach
  void stop() throws Exception {
    web.close();
  }

  @Test
  void aWellFormedRequestIsServed() throws Exception {
    String answer = exchange("GET /health/live HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 200");
  }

  @Test
  void twoHostHeadersAre400AndTheConnectionIsClosed() throws Exception {
    String answer = exchange("GET /health/live HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
  }

  @Test
  void aFoldedHeaderIs400() throws Exception {
    String answer = exchange("GET /health/live HTTP/1.1\r\nHost: a\r\nX-Long: one\r\n two\r\n\r\n");
    assertThat(answer).startsWith("HTTP/1.1 400");
  }

  @Test
  void headersThatNeverEndAre408AndTheConnectionIsClosed() throws Exception {
    // Half a header block, then nothing: the server answers and closes (exchange reads to EOF).
    String answer = exchange("GET /health/live HTTP/1.1\r\nHost: a\r\nX-Slow: ");
    assertThat(answer).startsWith("HTTP/1.1 408");
  }

  /** Writes {@code request}, then reads until the server closes the connection. */
  private String exchange(String request) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), web.port)) {
      socket.setSoTimeout((int) WebTestSupport.WAIT.toMillis()); // a server that never closes fails the test
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream read = new ByteArrayOutputStream();
      byte[] buffer = new byte[4096];
      for (int n; (n = in.read(buffer)) != -1; ) {
        read.write(buffer, 0, n);
      }
      return read.toString(StandardCharsets.US_ASCII);
    }
  }
}
